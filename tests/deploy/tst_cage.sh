#!/bin/bash
# The kiosk's lockdown, as far as it can be checked without a display or systemd as
# PID 1: the kiosk unit's own ExecStart (cage, then the app) on wlroots' headless
# backend, as an unprivileged user, with the unit's environment and a notify socket
# standing in for systemd's. Checks: the app comes up READY under cage on Wayland,
# covers the whole output (a screenshot through cage's screencopy: no black
# compositor background anywhere), pings the watchdog; a killed app takes cage down
# with it (so systemd's Restart=always starts both again); the unit's ExecStop ends both
# cleanly.
# Usage: tst_cage.sh APP OUT_DIR
set -euo pipefail
app=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
unit="$here/../../deploy/systemd/redbox-kiosk.service"
fail() { echo "FAIL: $*" >&2; exit 1; }
for p in cage Xwayland grim setpriv convert openssl; do
    command -v "$p" >/dev/null || fail "$p is not installed (deploy/install-deps installs it)"
done

user=nobody
group=$(id -gn "$user")
tmp=$(mktemp -d /tmp/tst_cage.XXXXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ "${KEEP:-}" = 1 ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# The kiosk's files as an operator lays them out (config and secrets 0600, owned by the
# kiosk's user), for a kiosk whose servers do not answer: it starts and shows its attract
# loop anyway (it rents offline until they do), so this test needs no network.
mkdir -m 700 "$tmp/etc" "$tmp/storage" "$tmp/run"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=tst-cage-ca \
    -keyout "$tmp/etc/ca.key" -out "$tmp/etc/ca.crt" 2>/dev/null
rm "$tmp/etc/ca.key"
for role in kiosk verifier; do echo "*:*:*:$role.WRB1-01:not-used-here" > "$tmp/etc/$role.pgpass"; done
openssl rand -hex 32 > "$tmp/etc/card.key"
{
    printf '[kiosk]\nid = WRB1-01\nlanguage = en\norientation = portrait\ntheme = day\n\n'
    printf '[redbox]\nnode = west-rb1\nhosts = 127.0.0.1:9,127.0.0.1:9\ndatabase = redbox\n\n'
    printf '[coast]\nnode = west\nhosts = 127.0.0.1:9\n\n[hq]\nhosts = 127.0.0.1:9\n\n'
    printf '[security]\nca = %s\n' "$tmp/etc/ca.crt"
    for role in kiosk verifier; do printf '%s_passfile = %s\n' "$role" "$tmp/etc/$role.pgpass"; done
    printf 'card_key_file = %s\nkiosk_key_file = %s\n\n' "$tmp/etc/card.key" "$tmp/storage/kiosk.key"
    printf '[storage]\ndir = %s\n' "$tmp/storage"
} > "$tmp/etc/kiosk.ini"
chmod 600 "$tmp"/etc/*
chown -R "$user:$group" "$tmp/etc" "$tmp/storage" "$tmp/run"

# systemd's notify socket: every datagram the app sends, one per line.
/usr/bin/python3 - "$tmp/notify" "$tmp/notify.log" <<'EOF' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        log.write(s.recv(4096).decode(errors="replace").replace("\n", " ") + "\n")
EOF
pids+=($!)
for _ in $(seq 50); do [ -S "$tmp/notify" ] && break; sleep 0.1; done
[ -S "$tmp/notify" ] || fail "the notify socket did not appear"

# The unit's command line and environment, with this build's app and the files above.
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
exec_start=${exec_start//\/usr\/bin\/redbox-kiosk/$app}
exec_start=${exec_start//\/etc\/redbox\/kiosk.ini/$tmp/etc/kiosk.ini}
unit_env=$(sed -n 's/^Environment=//p' "$unit" | grep -v '^XDG_RUNTIME_DIR=')
echo "ExecStart: $exec_start"
# shellcheck disable=SC2086  # the unit's command line is split into words as systemd does
setpriv --reuid="$user" --regid="$group" --clear-groups \
    env -i PATH=/usr/bin:/bin HOME="$tmp/storage" LANG=C.UTF-8 $unit_env XDG_RUNTIME_DIR="$tmp/run" \
    NOTIFY_SOCKET="$tmp/notify" WATCHDOG_USEC=1000000 WATCHDOG_PID=1 \
    WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 \
    $exec_start > "$tmp/cage.log" 2>&1 &
cage_pid=$!
pids+=("$cage_pid")

t0=$(date +%s.%N)
for _ in $(seq 600); do
    grep -q 'READY=1' "$tmp/notify.log" 2>/dev/null && break
    kill -0 "$cage_pid" 2>/dev/null || { cat "$tmp/cage.log" >&2; fail "cage exited before the app was ready"; }
    sleep 0.1
done
grep -q 'READY=1' "$tmp/notify.log" || { cat "$tmp/cage.log" >&2; fail "no READY=1 within 60 s"; }
ready=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
grep 'READY=1' "$tmp/notify.log" | grep -q 'STATUS=attract loop on screen' || fail "READY without the attract loop"
app_pid=$(pgrep -u "$user" -P "$cage_pid" -f "$app" || pgrep -u "$user" -f "$app --config $tmp" | head -1)
[ -n "$app_pid" ] || fail "the app is not cage's child"
[ "$(stat -c %U /proc/"$app_pid")" = "$user" ] || fail "the app does not run as $user"
grep -qa 'WAYLAND_DISPLAY=' /proc/"$app_pid"/environ || fail "the app is not cage's Wayland client"
sleep 1.5
[ "$(grep -c 'WATCHDOG=1' "$tmp/notify.log")" -ge 2 ] || fail "no watchdog pings from the app under cage"

# What the screen shows, through cage (wlroots screencopy): the app and nothing else.
mkdir -p "$out"
shot="$out/kiosk-under-cage.png"
# cage paints the output black where no window is: no part of it may stay black. The
# headless output renders on damage only, so the picture is taken until it shows the
# app's fullscreen frame, for 5 s at most.
for try in $(seq 20); do
    setpriv --reuid="$user" --regid="$group" --clear-groups env XDG_RUNTIME_DIR="$tmp/run" WAYLAND_DISPLAY=wayland-0 \
        grim "$tmp/run/shot.png" || fail "grim could not take a picture of cage's output"
    black=$(convert "$tmp/run/shot.png" -alpha off -fill white +opaque 'rgb(0,0,0)' -format '%[fx:1-mean]' info:)
    awk -v b="$black" 'BEGIN { exit !(b < 0.001) }' && break
    sleep 0.25
done
cp "$tmp/run/shot.png" "$shot"
size=$(identify -format '%wx%h' "$shot")
awk -v b="$black" 'BEGIN { exit !(b < 0.001) }' || fail "part of the output is black ($black of it) after 5 s: the app is not fullscreen"
colours=$(convert "$shot" -format '%k' info:)
[ "$colours" -gt 50 ] || fail "the picture has $colours colours: the app drew nothing"
echo "cage: READY after ${ready} s; output $size covered by the app (picture $try, $colours colours): $shot"

# A dead app takes cage with it, so systemd restarts the whole unit.
kill -9 "$app_pid"
for _ in $(seq 50); do kill -0 "$cage_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$cage_pid" 2>/dev/null && fail "cage outlived its app: the screen would stay black"
rc=0
wait "$cage_pid" || rc=$?
grep -q '^Restart=always' "$unit" || fail "the unit does not restart on every exit (cage exits $rc when its app dies)"
echo "killed app: cage exited too (status $rc; the unit's Restart=always starts both again)"

# systemd stops the unit with SIGTERM to every process: the app says STOPPING and ends.
: > "$tmp/notify.log"
setpriv --reuid="$user" --regid="$group" --clear-groups \
    env -i PATH=/usr/bin:/bin HOME="$tmp/storage" LANG=C.UTF-8 $unit_env XDG_RUNTIME_DIR="$tmp/run" \
    NOTIFY_SOCKET="$tmp/notify" WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1 \
    $exec_start > "$tmp/cage2.log" 2>&1 &
cage_pid=$!
pids+=("$cage_pid")
for _ in $(seq 600); do grep -q 'READY=1' "$tmp/notify.log" 2>/dev/null && break; sleep 0.1; done
grep -q 'READY=1' "$tmp/notify.log" || fail "no READY=1 on the second start"
exec_stop=$(sed -n 's/^ExecStop=//p' "$unit")
[ -n "$exec_stop" ] || fail "the unit has no ExecStop"
exec_stop=${exec_stop//\$\{MAINPID\}/$cage_pid}
t0=$(date +%s.%N)
eval "setpriv --reuid=$user --regid=$group --clear-groups timeout 10 $exec_stop" || fail "ExecStop failed or took over 10 s"
rc=0
wait "$cage_pid" || rc=$?
stopped=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
[ "$rc" = 0 ] || { tail -5 "$tmp/cage2.log" >&2; fail "cage ended with status $rc on stop"; }
grep -q 'STOPPING=1' "$tmp/notify.log" || fail "the app did not say STOPPING=1"
echo "stop (the unit's ExecStop): the app said STOPPING=1, cage ended with status 0, in ${stopped} s"
echo "PASS"
