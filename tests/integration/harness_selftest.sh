#!/usr/bin/env bash
# Proves, on the REAL host, that the throwaway host (`$BRIDGECTL sandbox`, through
# in_throwaway_host) does what every other test relies on:
#   * the guard refuses to run in the real host's network namespace;
#   * inside, the guard passes, only `lo` exists, /sys shows the new namespace, /run, /etc/netns
#     and the state root are private tmpfs, /etc writes stay inside;
#   * links, named netns, /etc/netns files, iptables rules and processes made inside are all gone
#     afterwards, and the real host's snapshot is unchanged;
#   * exit statuses come through and a timeout kills the whole throwaway host.
# This script itself creates kernel objects only through in_throwaway_host. Exit 0 if all is well.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
lib=$repo/scripts/lib/throwaway-host.sh
# shellcheck source=../../scripts/lib/throwaway-host.sh
source "$lib"

failures=0
ok() { echo "ok - $1"; }
not_ok() {
	echo "not ok - $1"
	failures=$((failures + 1))
}

# The real host's picture, plus the marker file written under /etc inside.
host_snapshot() {
	real_host_snapshot
	echo "marker: $(ls /etc/bridgectl-harness-marker 2>&1)"
}

# 1. The guard must refuse the namespace the throwaway host is started from (here: the real
#    host's). Simulate what in_throwaway_host exports, so this holds even where the real host is
#    not init_net.
rc=0
# shellcheck disable=SC2016 # $1 is the inner bash's
THROWAWAY_OUTER_NETNS_INO=$(stat -L -c %i /proc/self/ns/net) bash -c 'source "$1"; assert_not_initial_netns' _ "$lib" 2>/dev/null || rc=$?
if [[ $rc -eq 2 ]]; then ok "guard refuses the real host's netns"; else not_ok "guard refuses the real host's netns (exit $rc, expected 2)"; fi
# Without the hint it still refuses when the real host is init_net (the fixed inode).
if [[ $(stat -L -c %i /proc/self/ns/net) == "$THROWAWAY_PROC_NET_INIT_INO" ]]; then
	rc=0
	# shellcheck disable=SC2016
	env -u THROWAWAY_OUTER_NETNS_INO bash -c 'source "$1"; assert_not_initial_netns' _ "$lib" 2>/dev/null || rc=$?
	if [[ $rc -eq 2 ]]; then ok "guard refuses init_net by its fixed inode"; else not_ok "guard refuses init_net by its fixed inode (exit $rc)"; fi
fi

before=$(host_snapshot)

# 2. Inside: make one of everything bridgectl makes, and check the private mounts.
# shellcheck disable=SC2016 # expanded by the bash inside the throwaway host
inside_checks='
set -uo pipefail
export LIB=$1
source "$LIB"
bad=0
check() { if eval "$2"; then echo "ok - inside: $1"; else echo "not ok - inside: $1"; bad=1; fi; }
assert_not_initial_netns
check "guard passes" true
check "only lo at start" "[[ \$(ip -o link show | wc -l) -eq 1 ]]"
check "lo is up" "ip -o link show lo | grep -q \"[<,]UP[,>]\""
check "/run is tmpfs" "[[ \$(findmnt -no FSTYPE /run) == tmpfs ]]"
check "/etc/netns is tmpfs and empty" "[[ \$(findmnt -no FSTYPE /etc/netns) == tmpfs && -z \$(ls -A /etc/netns) ]]"
check "BRIDGECTL_ROOT is an empty dir on tmpfs" "[[ -d \$BRIDGECTL_ROOT && -z \$(ls -A \$BRIDGECTL_ROOT) && \$(findmnt -no FSTYPE -T \$BRIDGECTL_ROOT) == tmpfs ]]"
check "own PID namespace (few processes)" "[[ \$(ls /proc | grep -c \"^[0-9]*\$\") -lt 10 ]]"
ip link add thrw-br0 type bridge
ip link add thrw-v0 type veth peer name thrw-v1
ip link set thrw-v0 master thrw-br0
ip netns add thrw-ns
ip link add thrw-v2 type veth peer name eth0 netns thrw-ns
mkdir -p /etc/netns/thrw-ns && echo "127.0.0.1 thrw" > /etc/netns/thrw-ns/hosts
touch /etc/bridgectl-harness-marker
iptables -A FORWARD -m comment --comment bridgectl-harness -j ACCEPT
sleep 313.37 &
check "/sys shows the new links" "[[ -d /sys/class/net/thrw-br0 && -d /sys/class/net/thrw-v2 ]]"
check "ip netns list shows thrw-ns" "ip netns list | grep -q ^thrw-ns"
check "ip netns exec works" "ip netns exec thrw-ns ip link show eth0 >/dev/null"
check "ip netns exec sees /etc/netns files" "ip netns exec thrw-ns grep -q thrw /etc/hosts"
check "guard passes inside a container netns too" "ip netns exec thrw-ns bash -c \"source \$LIB; assert_not_initial_netns\""
check "iptables rule is there" "iptables-save | grep -q bridgectl-harness"
exit $bad
'
rc=0
in_throwaway_host bash -c "$inside_checks" _ "$lib" || rc=$?
if [[ $rc -eq 0 ]]; then ok "inside checks"; else not_ok "inside checks (exit $rc)"; fi

after=$(host_snapshot)
if [[ $before == "$after" ]]; then
	ok "real host unchanged (links, netns, /etc/netns, /run/netns, iptables, /etc)"
else
	not_ok "real host unchanged"
	diff <(echo "$before") <(echo "$after") || true
fi
# Read-only look for the process started inside: the PID namespace must have taken it down.
if pgrep -f 'sleep 313.37' >/dev/null; then not_ok "processes started inside are gone"; else ok "processes started inside are gone"; fi

# 3. Exit statuses come through.
rc=0
in_throwaway_host sh -c 'exit 7' || rc=$?
if [[ $rc -eq 7 ]]; then ok "exit status comes through"; else not_ok "exit status comes through (got $rc)"; fi

# 4. A timeout kills the whole throwaway host, even a child that ignores SIGTERM.
start=$SECONDS
rc=0
# (in a subshell with stderr dropped: timeout -k SIGKILLs its own process group, itself included,
# and bash would print "Killed" for it)
(timeout -k 2 1 bash "$lib" bash -c 'trap "" TERM; sleep 313.38 & sleep 60') 2>/dev/null || rc=$?
sleep 0.3
if [[ $rc -eq 124 || $rc -eq 137 ]] && [[ $((SECONDS - start)) -le 5 ]] && ! pgrep -f 'sleep 313.38' >/dev/null; then
	ok "timeout kills the throwaway host"
else
	not_ok "timeout kills the throwaway host (exit $rc after $((SECONDS - start))s)"
fi

echo
if [[ $failures -eq 0 ]]; then
	echo "harness self-test passed"
else
	echo "harness self-test: $failures failure(s)"
	exit 1
fi
