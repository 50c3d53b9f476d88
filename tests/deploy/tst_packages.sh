#!/bin/bash
# The Debian packages: builds them with CPack, checks their control
# fields and contents, checks that every dependency is a package of Debian 12's
# own archive, then installs both with dpkg into a throwaway overlay of this
# machine's root (overlayfs on a tmpfs, chroot) and checks what an operator
# would get: the files, the service users, the tools running, the systemd
# units valid and hardened; then purges them. Needs root (mount, chroot).
#   tests/deploy/tst_packages.sh BUILD_DIR
set -euo pipefail
BUILD=$(realpath "${1:?usage: tst_packages.sh BUILD_DIR}")
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "needs root (it mounts an overlay and chroots into it)"

cd "$BUILD"
rm -f redbox-kiosk_*.deb redbox-server_*.deb
cpack -G DEB >cpack.log 2>&1 || { tail -20 cpack.log; fail "cpack failed"; }
KIOSK=$(ls redbox-kiosk_*_amd64.deb) && SERVER=$(ls redbox-server_*_amd64.deb) || fail "cpack wrote no packages"
echo "built: $KIOSK ($(du -k "$KIOSK" | cut -f1) KiB), $SERVER ($(du -k "$SERVER" | cut -f1) KiB)"

# Control fields.
[ "$(dpkg-deb -f "$KIOSK" Package)" = redbox-kiosk ] || fail "kiosk package name"
[ "$(dpkg-deb -f "$SERVER" Package)" = redbox-server ] || fail "server package name"
for deb in "$KIOSK" "$SERVER"; do
    deps=$(dpkg-deb -f "$deb" Depends)
    for name in $(echo "$deps" | tr ',|' '\n\n' | sed 's/(.*)//; s/ //g' | grep -v '^$'); do
        apt-cache show "$name" >/dev/null 2>&1 || fail "$deb depends on $name, which is not a Debian 12 package"
    done
    echo "$deb: $(echo "$deps" | tr ',' '\n' | wc -l) dependencies, all from Debian 12's archive"
done
dpkg-deb -f "$KIOSK" Depends | grep -q 'libqt6quick6' || fail "kiosk: shared-library dependencies missing"
dpkg-deb -f "$KIOSK" Depends | grep -q 'cage' || fail "kiosk: cage missing from Depends"
# cage 0.1.4 refuses to start without Xwayland, which its own package does not pull in.
dpkg-deb -f "$KIOSK" Depends | grep -q 'xwayland' || fail "kiosk: xwayland missing from Depends (cage will not start)"
dpkg-deb -f "$SERVER" Depends | grep -q 'postgresql-15' || fail "server: postgresql-15 missing from Depends"

# Contents: what each package must hold, and what the kiosk must not.
# (Listed once into a variable: `grep -q` in a pipe would stop reading early, and with
# pipefail the listing's SIGPIPE would count as a miss.)
contents() { dpkg-deb -c "$1" | awk '{print $6}' | sed 's|^\./|/|'; }
kiosk_files=$(contents "$KIOSK")
server_files=$(contents "$SERVER")
for f in /usr/bin/redbox-kiosk /usr/lib/systemd/system/redbox-kiosk.service; do
    grep -qx "$f" <<<"$kiosk_files" || fail "kiosk package lacks $f"
done
grep -q 'redbox-sim\|redbox-forwarder\|redbox-payments\|redbox-acquirer\|redbox-mailer\|/schema/' <<<"$kiosk_files" &&
    fail "the kiosk package holds the simulator or server parts"
for f in /usr/bin/redbox-forwarder /usr/bin/redbox-payments /usr/bin/redbox-acquirer /usr/bin/redbox-mailer /usr/bin/redbox-net \
         /usr/share/redbox/deploy/redbox-net /usr/share/redbox/deploy/redboxnet/cli.py \
         /usr/share/redbox/deploy/redboxnet/payments.py /usr/share/redbox/deploy/redboxnet/mail.py \
         /usr/share/redbox/schema/common/001_foundation.sql /usr/lib/systemd/system/redbox-mailer@.service \
         /usr/share/redbox/schema/redbox/functions/10_kiosk.sql /usr/share/redbox/schema/coast/037_charges.sql \
         /usr/lib/systemd/system/redbox-forwarder@.service /usr/lib/systemd/system/redbox-payments@.service \
         /usr/lib/systemd/system/redbox-patroni@.service /usr/lib/systemd/system/redbox-etcd.service; do
    grep -qx "$f" <<<"$server_files" || fail "server package lacks $f"
done
grep -q 'redbox-sim\|redbox-kiosk$' <<<"$server_files" && fail "the server package holds the kiosk or the simulator"
echo "contents: as expected"

# Install into an overlay of this root: dpkg checks the dependencies against what is installed.
ROOT=$(mktemp -d /tmp/redbox-pkgtest.XXXXXX)
cleanup() {
    for m in "$ROOT/merged/proc" "$ROOT/merged/dev" "$ROOT/merged/sys" "$ROOT/merged" "$ROOT/t"; do
        mountpoint -q "$m" && umount -l "$m"
    done
    rm -rf "$ROOT"
}
trap cleanup EXIT
mkdir -p "$ROOT/t" "$ROOT/merged"
mount -t tmpfs tmpfs "$ROOT/t"
mkdir -p "$ROOT/t/upper" "$ROOT/t/work"
mount -t overlay overlay -o "lowerdir=/,upperdir=$ROOT/t/upper,workdir=$ROOT/t/work" "$ROOT/merged"
mount --bind /proc "$ROOT/merged/proc"
mount --bind /dev "$ROOT/merged/dev"
mount --bind /sys "$ROOT/merged/sys"
in_root() { chroot "$ROOT/merged" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
mkdir -p "$ROOT/merged/tmp/pkgs"
cp "$KIOSK" "$SERVER" "$ROOT/merged/tmp/pkgs/"
in_root dpkg --purge redbox-kiosk redbox-server >/dev/null 2>&1 || true
in_root dpkg -i "/tmp/pkgs/$KIOSK" "/tmp/pkgs/$SERVER" >"$BUILD/dpkg-install.log" 2>&1 \
    || { cat "$BUILD/dpkg-install.log"; fail "dpkg -i failed"; }
for p in redbox-kiosk redbox-server; do
    [ "$(in_root dpkg-query -W -f='${Status}' $p)" = "install ok installed" ] || fail "$p is not installed"
done
for u in redbox-kiosk redboxdb redbox-forwarder redbox-payments redbox-mailer redbox-etcd; do
    in_root getent passwd "$u" >/dev/null || fail "user $u was not created"
done
in_root id -nG redbox-kiosk | grep -qw video || fail "redbox-kiosk is not in group video"
[ "$(in_root stat -c '%U %a' /var/lib/redbox-kiosk)" = "redbox-kiosk 700" ] || fail "/var/lib/redbox-kiosk owner/mode"
in_root /usr/bin/redbox-net --help | grep -q 'render' || fail "redbox-net does not run from /usr/bin"
in_root /usr/bin/redbox-forwarder --version | grep -q 'redbox-forwarder' || fail "redbox-forwarder does not run"
in_root /usr/bin/redbox-payments --version | grep -q 'redbox-payments' || fail "redbox-payments does not run"
in_root /usr/bin/redbox-acquirer --version | grep -q 'redbox-acquirer' || fail "redbox-acquirer does not run"
in_root /usr/bin/redbox-mailer --version | grep -q 'redbox-mailer' || fail "redbox-mailer does not run"
in_root /usr/bin/env QT_QPA_PLATFORM=offscreen /usr/bin/redbox-kiosk --version | grep -q 'redbox-kiosk' \
    || fail "redbox-kiosk does not run"
# The installed tool finds the installed schema: render a loopback network's files.
in_root /usr/bin/redbox-net --state-dir /tmp/render-check render >/dev/null || fail "redbox-net render failed"
echo "installed: both packages, 6 service users, the tools run, redbox-net renders with the installed schema"

# The units: systemd's own check, with the instances an operator would enable.
units=$ROOT/merged/usr/lib/systemd/system
for u in redbox-kiosk.service redbox-etcd.service redbox-forwarder@.service redbox-payments@.service redbox-mailer@.service \
         redbox-patroni@.service; do
    for key in '^User=' '^NoNewPrivileges=yes' '^ProtectSystem=strict' '^PrivateTmp=yes' '^Restart='; do
        grep -q "$key" "$units/$u" || fail "$u lacks $key"
    done
done
grep -q '^WatchdogSec=' "$units/redbox-kiosk.service" || fail "the kiosk unit has no watchdog"
grep -q '^RestartSec=[0-4]$' "$units/redbox-kiosk.service" || fail "the kiosk unit does not restart within 5 s"
grep -q '^ExecStart=/usr/bin/cage ' "$units/redbox-kiosk.service" || fail "the kiosk does not run under cage"
sed -n 's|^ExecStart=/usr/bin/cage \(.*\) -- .*|\1|p' "$units/redbox-kiosk.service" | grep -qw -- '-s' &&
    fail "cage -s would let a keyboard switch to another VT (a login prompt)"
cp "$units/redbox-forwarder@.service" "$units/redbox-forwarder@west-rb1.service"
cp "$units/redbox-payments@.service" "$units/redbox-payments@west.service"
cp "$units/redbox-mailer@.service" "$units/redbox-mailer@west.service"
cp "$units/redbox-patroni@.service" "$units/redbox-patroni@west-rb1-a.service"
out=$(in_root systemd-analyze verify --man=no redbox-kiosk.service redbox-etcd.service \
      redbox-forwarder@west-rb1.service redbox-payments@west.service redbox-mailer@west.service \
      redbox-patroni@west-rb1-a.service 2>&1 |
      grep -i 'redbox' || true)
[ -z "$out" ] || { echo "$out"; fail "systemd-analyze verify found problems in the units"; }
echo "units: systemd-analyze verify clean; every unit runs as its own user with NoNewPrivileges, ProtectSystem=strict, PrivateTmp"

in_root dpkg --purge redbox-kiosk redbox-server >>"$BUILD/dpkg-install.log" 2>&1 || fail "dpkg --purge failed"
[ ! -e "$ROOT/merged/usr/bin/redbox-kiosk" ] && [ ! -e "$ROOT/merged/usr/bin/redbox-net" ] || fail "purge left binaries"
echo "purged: clean"
echo "PASS"
