#!/bin/bash
# The kiosk as a person uses it: the real app in its window on a real X server
# (Xvfb), driven only by X input through xdotool, with no test hooks in the app:
# taps on the screen, and the typing of USB readers (--card-reader keyboard) for
# the card swipe and the disc put into the return slot. Through a rental (attract,
# browse, a title, the cart, the card, the PIN on the keypad, pay, the receipt)
# and the return of the same disc, put into the return slot from the device
# panel beside the kiosk's window (--device-panel); the network's own records
# decide (the rental open at the red box after the first visit, returned after
# the second). The taps are at the places the portrait screens have their
# buttons (1080x1920; see the screenshots when a layout changes).
# Screenshots of every step go to OUT_DIR.
# Usage: tst_kiosk_xdotool.sh APP OUT_DIR   (REDBOX_TEST_STATE, REDBOX_TEST_TOPOLOGY,
#        REDBOX_NET_TOOL as CTest sets them; the test network up)
set -euo pipefail
app=$1
out=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
for p in Xvfb xdotool import; do
    command -v "$p" >/dev/null || fail "$p is not installed (deploy/install-deps installs it)"
done
: "${REDBOX_TEST_STATE:?}" "${REDBOX_TEST_TOPOLOGY:?}" "${REDBOX_NET_TOOL:?}"
net() { /usr/bin/python3 "$REDBOX_NET_TOOL" --topology "$REDBOX_TEST_TOPOLOGY" --state-dir "$REDBOX_TEST_STATE" "$@"; }
node=west-rb1
kiosk=WRB1-01
sql() { net psql "$node" -Atc "$1"; }

tmp=$(mktemp -d /tmp/tst_xdotool.XXXXXX)
mkdir -p "$out"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 0.5
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    if [ "${KEEP:-}" = 1 ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# A member of the generated data with nothing out and a clean PIN record, and a copy of the
# kiosk's configuration with files of its own.
net roster --out "$tmp/roster.json" >/dev/null
read -r member card pin < <(/usr/bin/python3 - "$tmp/roster.json" "$node" "$REDBOX_NET_TOOL" "$REDBOX_TEST_TOPOLOGY" "$REDBOX_TEST_STATE" <<'EOF'
import json, subprocess, sys
roster, node, tool, topo, state = sys.argv[1:]
members = {m["member_id"]: m for m in json.load(open(roster))["members"] if m["coast"] == "west"}
ids = ",".join(str(i) for i in members)
q = ("SELECT s.member_id FROM redbox.membershipstatus s WHERE s.member_id IN (%s) AND s.allowed AND s.discs_out = 0 "
     "AND (s.locked_until IS NULL OR s.locked_until < now()) AND NOT EXISTS (SELECT 1 FROM redbox.pin_attempt a "
     "WHERE a.card_hash = s.card_hash) ORDER BY md5(s.member_id::text || 'xdotool') LIMIT 1" % ids)
got = subprocess.run(["/usr/bin/python3", tool, "--topology", topo, "--state-dir", state, "psql", node, "-Atc", q],
                     check=True, capture_output=True, text=True).stdout.split()
if not got:
    sys.exit("no west member without discs out")
m = members[int(got[0])]
print(m["member_id"], m["card"], m["pin"])
EOF
)
[ -n "${pin:-}" ] || fail "no member to rent with"
echo "member $member (card ...${card: -4})"
config="$REDBOX_TEST_STATE/kiosks/$kiosk/kiosk.ini"
storage=$(sed -n 's/^dir *= *//p' "$config" | head -1)
[ -n "$storage" ] || fail "no [storage] dir in $config"
mkdir -m 700 "$tmp/storage"
sed "s|$storage|$tmp/storage|g" "$config" > "$tmp/kiosk.ini"

display=":$(( 200 + RANDOM % 300 ))"
Xvfb "$display" -screen 0 1600x1920x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
pids+=($!)
export DISPLAY=$display
for _ in $(seq 50); do xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done
QT_QPA_PLATFORM=xcb QT_QUICK_BACKEND=software "$app" --config "$tmp/kiosk.ini" --card-reader keyboard --idle-timeout 600 \
    --device-panel "$REDBOX_TEST_STATE/try-it.json" >"$tmp/app.log" 2>&1 &
pids+=($!)
app_pid=$!

window=$(timeout 30 xdotool search --sync --onlyvisible --name '^Redbox$' | head -1) || fail "the kiosk's window did not appear"
step=0
shot() {
    step=$((step + 1))
    import -window root "$out/xdotool_$(printf %02d $step)_$1.png"
}
tap() {
    xdotool mousemove --window "$window" "$1" "$2" click 1
    sleep "${3:-1.5}"
}
# Typing on the keyboard (X's own input, to the focused window; a USB reader types its line
# and Enter the same way).
typed() {
    xdotool windowfocus "$window"
    sleep 0.3
    xdotool type --delay 30 "$1"
    [ "${2:-}" = enter ] && xdotool key Return
    sleep 2
}
# Waits up to 60 s for SQL on the red box to print something.
until_sql() {
    local got=""
    for _ in $(seq 60); do
        got=$(sql "$1")
        [ -n "$got" ] && { echo "$got"; return 0; }
        sleep 1
    done
    return 1
}
alive() { kill -0 "$app_pid" 2>/dev/null || { cat "$tmp/app.log" >&2; fail "the kiosk app stopped"; }; }

# Its first cache sync, then the attract loop.
sleep 8
alive
shot attract

# A title with discs in this kiosk, found by typing its name into the search field.
title=$(sql "SELECT m.title FROM redbox.dvd d JOIN redbox.movie m USING (movie_id) WHERE d.kiosk_id = '$kiosk' AND d.status = 'in'
             AND d.condition = 'good' AND m.format = 'dvd' AND m.rent_from <= current_date
             AND (m.rent_until IS NULL OR m.rent_until >= current_date) AND m.title !~ '[^A-Za-z ]'
             GROUP BY m.movie_id, m.title HAVING count(*) >= 2 ORDER BY count(*) DESC, m.title LIMIT 1")
[ -n "$title" ] || fail "no title with two discs in $kiosk"
echo "renting \"$title\""

tap 540 1500 2          # the attract loop: touch anywhere
shot browse
tap 380 192 1           # the search field
typed "$title"
shot search
tap 152 700 2           # its cover, first in the grid
shot title
tap 306 1822 1.5        # Add to cart
tap 810 1822 2          # Check out
shot sign_in
typed ";$card=3012?" enter   # the card reader types its track and Enter
shot pin
declare -A px=([1]=324 [2]=540 [3]=756 [4]=324 [5]=540 [6]=756 [7]=324 [8]=540 [9]=756 [0]=540)
declare -A py=([1]=504 [2]=504 [3]=504 [4]=652 [5]=652 [6]=652 [7]=802 [8]=802 [9]=802 [0]=950)
for ((i = 0; i < ${#pin}; i++)); do
    d=${pin:i:1}
    tap "${px[$d]}" "${py[$d]}" 0.4
done
shot pin_typed
tap 756 950 4           # OK
shot summary
tap 784 1822 1          # Pay
disc=$(until_sql "SELECT r.barcode FROM redbox.rental r JOIN redbox.movie m USING (movie_id) WHERE r.member_id = $member
                  AND r.kiosk_id = '$kiosk' AND r.status = 'open' AND m.title = '$title'") \
    || { alive; shot no_rental; fail "no open rental of \"$title\" for member $member after paying"; }
sleep 4                 # the disc comes out
alive
shot receipt
echo "rented $disc"
tap 844 1822 2          # Done
tap 540 1500 2          # the attract loop again
tap 910 192 2           # Return a DVD
shot return_insert
tap 1318 704 1          # the device panel: Insert <the disc that came out>
until_sql "SELECT 1 FROM redbox.rental WHERE barcode = '$disc' AND member_id = $member AND status = 'returned'" >/dev/null \
    || { alive; shot not_returned; fail "$disc is not returned at $node"; }
sleep 2
shot return_result
[ "$(sql "SELECT status FROM redbox.dvd WHERE barcode = '$disc'")" = in ] || fail "$disc is not in the kiosk again"

alive
echo "PASS: rented $disc by taps and typing, and returned it"
