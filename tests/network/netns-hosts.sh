#!/bin/bash
# Separate "hosts" on this machine for the multi-host test: one network namespace
# per host (its own address on a bridge, its own loopback), its own /srv/redbox
# (a private bind mount, so nothing reaches a host but what is copied to it),
# and an sshd that root on this machine reaches with a key made here.
#   netns-hosts.sh up DIR N     make hosts 1..N at 10.77.0.11.. (files in DIR)
#   netns-hosts.sh down DIR     remove them
# DIR/ssh_config is the client configuration for `ssh -F` (redbox-net reads
# $REDBOX_NET_SSH_CONFIG); host keys are pinned in DIR/known_hosts.
set -euo pipefail
verb=${1:?up|down}
dir=${2:?state folder}
bridge=rbxhosts0
fail() { echo "netns-hosts: $*" >&2; exit 1; }

down() {
    for f in "$dir"/sshd-*.pid; do
        [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
    done
    for ns in $(ip netns list | awk '/^rbxhost[0-9]+/ {print $1}'); do
        # Everything still running in a host (servers started over SSH) goes with it.
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$ns"
    done
    # A deleted namespace's interfaces go away asynchronously: remove our ends and wait.
    for _ in $(seq 50); do
        links=$(ip -o link show | awk -F': ' '$2 ~ /^rbxh[0-9]+@/ {sub(/@.*/, "", $2); print $2}')
        [ -z "$links" ] && break
        for l in $links; do ip link del "$l" 2>/dev/null || true; done
        sleep 0.1
    done
    ip link del "$bridge" 2>/dev/null || true
}

case "$verb" in
down)
    down
    echo "netns hosts removed"
    ;;
up)
    n=${3:?number of hosts}
    command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || fail "openssh-server is not installed"
    down
    mkdir -p "$dir"
    chmod 700 "$dir"
    mkdir -p /run/sshd
    chmod 755 /run/sshd
    [ -f "$dir/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C redbox-net-test -f "$dir/id_ed25519"
    cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
    ip link add "$bridge" type bridge
    ip addr add 10.77.0.1/24 dev "$bridge"
    ip link set "$bridge" up
    : > "$dir/known_hosts"
    {
        echo "Host 10.77.0.*"
        echo "  User root"
        echo "  IdentityFile $dir/id_ed25519"
        echo "  IdentitiesOnly yes"
        echo "  UserKnownHostsFile $dir/known_hosts"
        echo "  StrictHostKeyChecking yes"
        echo "  BatchMode yes"
        echo "  ConnectTimeout 5"
        echo "  ControlMaster auto"
        echo "  ControlPath $dir/cm-%h"
        echo "  ControlPersist 60"
    } > "$dir/ssh_config"
    for i in $(seq 1 "$n"); do
        ns=rbxhost$i
        ip=10.77.0.$((10 + i))
        ip netns add "$ns"
        ip link add "rbxh$i" type veth peer name eth0 netns "$ns"
        ip link set "rbxh$i" master "$bridge" up
        ip -n "$ns" addr add "$ip/24" dev eth0
        ip -n "$ns" link set eth0 up
        ip -n "$ns" link set lo up
        mkdir -p "$dir/host$i/srv"
        [ -f "$dir/host$i/ssh_host_ed25519_key" ] || \
            ssh-keygen -q -t ed25519 -N '' -f "$dir/host$i/ssh_host_ed25519_key"
        echo "$ip $(cut -d' ' -f1,2 "$dir/host$i/ssh_host_ed25519_key.pub")" >> "$dir/known_hosts"
        cat > "$dir/host$i/sshd_config" <<EOF
ListenAddress $ip
HostKey $dir/host$i/ssh_host_ed25519_key
PidFile $dir/sshd-$i.pid
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AcceptEnv LANG
EOF
        # The host's own /srv/redbox: a private mount in its own mount namespace.
        ip netns exec "$ns" unshare --mount --propagation private /bin/sh -c \
            "mkdir -p /srv/redbox && mount --bind '$dir/host$i/srv' /srv/redbox && exec /usr/sbin/sshd -f '$dir/host$i/sshd_config'"
    done
    for i in $(seq 1 "$n"); do
        ip=10.77.0.$((10 + i))
        for _ in $(seq 50); do
            ssh -F "$dir/ssh_config" "$ip" true 2>/dev/null && break
            sleep 0.2
        done
        ssh -F "$dir/ssh_config" "$ip" "test \"\$(ip -o -4 addr show eth0 | awk '{print \$4}')\" = $ip/24 && mountpoint -q /srv/redbox" ||
            fail "host $i ($ip) does not answer over SSH as a host of its own"
    done
    echo "netns hosts: $n at 10.77.0.11-$((10 + n)), ssh -F $dir/ssh_config"
    ;;
*)
    fail "unknown verb $verb (up|down)"
    ;;
esac
