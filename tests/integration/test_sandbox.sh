#!/usr/bin/env bash
# bridgectl sandbox (issue #9): CMD runs in a throwaway host of its own, nested here inside the
# test's throwaway host (which plays the real host). Nothing made inside - links, named netns,
# /etc/netns files, /etc edits, iptables rules, bridgectl state, the hostname, processes - is
# visible outside before, during or after; CMD's exit status comes through (0, 3, a signal as
# 128+n); --uplink gives a fake internet at 203.0.113.1 answering ping, TCP 80 and DNS, from the
# sandbox and from a container made inside it (masqueraded); without it there is no default route.
source "$(dirname "$0")/lib.sh"
require_bridgectl

# On /tmp, which a sandbox shares (its /run is its own). Removed at the end (lib.sh owns the
# EXIT trap).
work=$(mktemp -d /tmp/bridgectl-sandbox-test.XXXXXX)

# The outer host as a sandbox could change it.
# (Its commands may fail, e.g. grep finding nothing: not this test's errors.)
outer_snapshot() (
	trap - ERR
	set +eE
	real_host_snapshot
	echo "== /etc marker: $(ls /etc/sandbox-test-marker 2>&1)"
	echo "== hostname: $(hostname)"
	echo "== state root: $(find "$BRIDGECTL_ROOT" -mindepth 1 | sort | tr '\n' ' ')"
)

# (Inside, bridgectl is "$BRIDGECTL": the private /run hides the test's PATH folder.)
# Everything a lab makes, then waits (bounded) until the test has looked from outside.
# shellcheck disable=SC2016 # expanded inside the sandbox
make_everything='
set -eu
ip link add sbx-br0 type bridge
ip link add sbx-v0 type veth peer name sbx-v1
ip netns add sbx-ns
mkdir -p /etc/netns/sbx-ns && echo "nameserver 192.0.2.1" > /etc/netns/sbx-ns/resolv.conf
touch /etc/sandbox-test-marker
iptables -A FORWARD -m comment --comment sandbox-test -j ACCEPT
hostname sandbox-test-host
"$BRIDGECTL" network create sbx-net >/dev/null
"$BRIDGECTL" container create sbx-c --network sbx-net >/dev/null
sleep 313.41 &
touch "$1/ready"
for _ in $(seq 100); do [[ -e $1/go ]] && break; sleep 0.1; done
'

section "nothing made inside is visible outside, during or after"
before=$(outer_snapshot)
start_bg bridgectl sandbox bash -c "$make_everything" _ "$work"
sandbox_pid=$BG_PID
if wait_until 20 test -e "$work/ready"; then
	pass "the sandbox made a bridge, veths, a netns, /etc files, a rule, a network and a container"
	expect_eq "during: the outer host is unchanged" "$before" "$(outer_snapshot)"
	expect_ok "during: the sandbox's processes are there" pgrep -x -f 'sleep 313.41'
else
	fail "the sandbox made everything in time"
fi
touch "$work/go"
wait "$sandbox_pid"
expect_eq "the sandbox exits 0" "0" "$?"
expect_eq "after: the outer host is unchanged" "$before" "$(outer_snapshot)"
expect_fail "after: the sandbox's processes are gone" pgrep -x -f 'sleep 313.41'

section "inside: a fresh host"
# shellcheck disable=SC2016
run bridgectl sandbox bash -c '
	echo "links: $(ip -o link show | awk -F": " "{print \$2}" | tr "\n" " ")"
	ip -o link show lo | grep -q "[<,]UP[,>]" && echo "lo up"
	echo "run: $(stat -f -c %T /run) netns: $(stat -f -c %T /etc/netns) $(ls -A /etc/netns | wc -l)"
	echo "root: $BRIDGECTL_ROOT $(stat -f -c %T "$BRIDGECTL_ROOT") $(ls -A "$BRIDGECTL_ROOT" | wc -l)"
	echo "etc: $(findmnt -no FSTYPE /etc | tail -n1)"
	echo "throwaway: $THROWAWAY_HOST"
	echo "pid1: $(tr "\0" " " </proc/1/cmdline)"
	echo "processes: $(ls /proc | grep -c "^[0-9]*$")"
	echo "sys: $(ls /sys/class/net | tr "\n" " ")"
	echo "route: [$(ip route show default)]"
	source "$1"; assert_not_initial_netns && echo "guard passes"' _ "$REPO/scripts/lib/throwaway-host.sh"
expect_eq "sandbox bash exits 0 (stderr: $ERR)" "0" "$RC"
expect_contains "only lo" "$OUT" "links: lo "
expect_contains "lo is up (libnl)" "$OUT" "lo up"
expect_contains "/run and /etc/netns are private, /etc/netns empty" "$OUT" "run: tmpfs netns: tmpfs 0"
expect_contains "BRIDGECTL_ROOT is an empty dir on the private /run" "$OUT" "root: /run/bridgectl-state tmpfs 0"
expect_contains "/etc is copy-on-write" "$OUT" "etc: overlay"
expect_contains "THROWAWAY_HOST=1" "$OUT" "throwaway: 1"
expect_contains "PID 1 is the sandbox's init" "$OUT" "pid1: bridgectl sandbox-worker init"
expect_match "its own PID namespace (a few processes)" "processes: [1-9]$" "$OUT"
expect_contains "/sys shows the sandbox's links" "$OUT" "sys: lo "
expect_contains "without --uplink there is no default route" "$OUT" "route: []"
expect_contains "assert_not_initial_netns passes inside" "$OUT" "guard passes"

section "exit status"
expect_status "0 comes through" 0 bridgectl sandbox true
expect_status "3 comes through" 3 bridgectl sandbox -- sh -c 'exit 3'
expect_status "a signal comes through as 128+n" 143 bridgectl sandbox sh -c 'kill -TERM $$'
expect_status "a nested sandbox passes its status through" 5 bridgectl sandbox "$BRIDGECTL" sandbox sh -c 'exit 5'
expect_error "an unknown command: one Error line, 127" "no-such-command-xyz" bridgectl sandbox no-such-command-xyz
expect_eq "... exit status 127" "127" "$RC"
expect_status "flags after the command are the command's" 0 bridgectl sandbox test --uplink = --uplink
start_bg bridgectl sandbox sleep 313.42
sandbox_pid=$BG_PID
wait_until 10 pgrep -x -f 'sleep 313.42' || true
kill -TERM "$sandbox_pid"
rc=0
wait "$sandbox_pid" || rc=$?
expect_eq "SIGTERM to the sandbox reaches the command (128+15)" "143" "$rc"
expect_fail "... and nothing of it is left" pgrep -x -f 'sleep 313.42'
# timeout -k: the sandbox itself SIGKILLed takes its whole host down (parent-death signal).
rc=0
# (in a bash of its own with stderr dropped, which would report "Killed")
bash -c 'exec timeout -s KILL 1 "$0" sandbox bash -c "trap \"\" TERM; sleep 313.43 & sleep 60"' "$BRIDGECTL" 2>/dev/null || rc=$?
expect_eq "a SIGKILLed sandbox exits 137" "137" "$rc"
if wait_until 5 bash -c '! pgrep -x -f "sleep 313.43"'; then
	pass "... and every process inside it dies with it"
else
	fail "... and every process inside it dies with it" "$(pgrep -af 'sleep 313.43')"
fi

section "refusal"
expect_error "without CAP_SYS_ADMIN the sandbox refuses, in one Error line" "root" \
	setpriv --bounding-set=-sys_admin --inh-caps=-all bridgectl sandbox true
# The kernel refusing the namespaces: a PID namespace limit of 0, set in a user namespace of its
# own (never this host's: the sandbox shares the machine's user namespace, so that is checked).
refuse_namespaces() {
	# shellcheck disable=SC2016 # for the inner bash
	unshare --user --map-root-user bash -c '
		[[ $(stat -L -c %i /proc/self/ns/user) != 4026531837 ]] || exit 9
		echo 0 >/proc/sys/user/max_pid_namespaces && exec "$0" sandbox true' "$BRIDGECTL"
}
expect_error "when the kernel refuses the namespaces: one Error line" "cannot create the sandbox's namespaces" refuse_namespaces

# The init's role run by hand (fd 3 a live pipe, as the sandbox gives it) must not remount this
# host's /run or /etc.
run_init_by_hand() { "$BRIDGECTL" sandbox-worker init -- true 3< <(sleep 5); }
run_before=$(findmnt -rno TARGET,FSTYPE | sort)
expect_error "sandbox-worker init run by hand refuses" "not the init of a new PID and mount namespace" run_init_by_hand
expect_eq "... exit status 125" "125" "$RC"
expect_eq "... and mounts nothing" "$run_before" "$(findmnt -rno TARGET,FSTYPE | sort)"
expect_status "an unknown sandbox flag is a usage error" 64 bridgectl sandbox --uplnk true
expect_contains "... naming it" "$ERR" "Unknown option '--uplnk'"

section "--uplink: a fake internet"
run bridgectl sandbox --uplink bash -c '
	echo "uplink0 is $(cat /sys/class/net/uplink0/operstate)"
	ping -c1 -W2 203.0.113.1 >/dev/null && echo "ping ok"
	python3 -c "$1" 203.0.113.1 80
	getent hosts internet.test
	getent hosts example.test
	nslookup nope.test >/dev/null 2>&1 || echo "nope.test: no such name"
	ip route show default' _ "$TCP_CLIENT_PY"
expect_eq "sandbox --uplink exits 0 (stderr: $ERR)" "0" "$RC"
expect_contains "uplink0 is up (carrier seen) when the command starts" "$OUT" "uplink0 is up"
expect_contains "ping 203.0.113.1, the first packet answered" "$OUT" "ping ok"
expect_contains "TCP 203.0.113.1:80 answers" "$OUT" "hello from internet.test to 203.0.113.2"
expect_match "DNS: internet.test is 203.0.113.1" "203\.0\.113\.1 +internet\.test" "$OUT"
expect_match "DNS: example.test is 203.0.113.1" "203\.0\.113\.1 +example\.test" "$OUT"
expect_contains "DNS: other names do not exist" "$OUT" "nope.test: no such name"
expect_contains "the default route goes to the fake internet" "$OUT" "default via 203.0.113.1 dev uplink0"
run bridgectl sandbox --uplink nslookup nope.test 203.0.113.1
expect_contains "NXDOMAIN for other names" "$OUT$ERR" "NXDOMAIN"
run bridgectl sandbox --uplink dig +tcp +short example.test @203.0.113.1
expect_eq "DNS over TCP answers too" "203.0.113.1" "$OUT"

run bridgectl sandbox --uplink bash -c '
	set -e
	"$BRIDGECTL" network create outside-net >/dev/null
	"$BRIDGECTL" container create c1 --network outside-net >/dev/null
	"$BRIDGECTL" exec c1 ping -c1 -W2 203.0.113.1 >/dev/null && echo "container ping ok"
	"$BRIDGECTL" exec c1 python3 -c "$1" 203.0.113.1 80
	"$BRIDGECTL" exec c1 getent hosts internet.test' _ "$TCP_CLIENT_PY"
expect_eq "a container inside the sandbox reaches the fake internet (stderr: $ERR)" "0" "$RC"
expect_contains "... by ping" "$OUT" "container ping ok"
expect_contains "... by TCP, masqueraded to the sandbox's address" "$OUT" "hello from internet.test to 203.0.113.2"
expect_match "... by name, through bridgectl's resolver" "203\.0\.113\.1 +internet\.test" "$OUT"
expect_eq "after --uplink: the outer host is unchanged" "$before" "$(outer_snapshot)"
rm -rf "$work"
