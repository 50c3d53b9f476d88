#!/bin/bash
# Builds the parser fuzzer with clang and runs it for a bounded time
# (default 60 s) from the seed corpus; any crash fails the test.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../build/fuzz}
seconds=${REDBOX_FUZZ_SECONDS:-60}
cmake -S "$here" -B "$out" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$out" >/dev/null
mkdir -p "$out/corpus"
cp -n "$here"/corpus/* "$out/corpus/" 2>/dev/null || true
cd "$out"
ASAN_OPTIONS=detect_leaks=1 ./fuzz_parsers -max_total_time="$seconds" -max_len=256 -timeout=5 -print_final_stats=1 corpus 2>&1 | tail -15
