# shellcheck shell=bash
# Throwaway hosts for tests, the demo and the bench, and the guard every script that creates
# kernel objects calls first (assert_not_initial_netns).
#
# A throwaway host is `bridgectl sandbox` (see README, "Throwaway labs"): new network, mount, UTS
# and PID namespaces; only `lo`, up; private /run (so /run/netns, /run/bridgectl, xtables.lock);
# /etc copy-on-write with a private /etc/netns; /sys remounted; BRIDGECTL_ROOT an empty state root
# on the private /run; THROWAWAY_HOST=1. When CMD exits, the kernel removes everything made inside.
#
#   source scripts/lib/throwaway-host.sh; in_throwaway_host CMD...
#   bash scripts/lib/throwaway-host.sh CMD...        (what `timeout` and other wrappers can exec)
#
# Both run `$BRIDGECTL sandbox -- CMD...`. Only where no bridgectl is built yet (BRIDGECTL unset)
# do they fall back to the same host made here with unshare(1), kept for that case alone.

# init_net's inode is fixed by the kernel (PROC_NET_INIT_INO = 0xEFFFFFF9), and so is the initial
# PID namespace's (PROC_PID_INIT_INO = 0xEFFFFFFC). We need the constants because on some machines
# /proc/1/ns/net cannot be read even by root.
THROWAWAY_PROC_NET_INIT_INO=4026531833
THROWAWAY_PROC_PID_INIT_INO=4026531836

# This file's own path, so that the inside of the throwaway host can source it again.
THROWAWAY_HOST_LIB=$(readlink -f "${BASH_SOURCE[0]}")

# Abort (exit 2) unless we are in a network namespace made for testing. Checks, in order:
#   1. init_net's fixed inode;
#   2. the namespace that in_throwaway_host was called from (the "real host" of this run, which may
#      itself be a container whose netns is not init_net);
#   3. PID 1's namespace, but only when /proc shows the initial PID namespace: inside a throwaway
#      host /proc/1 is the throwaway host's own init, so equality there would mean nothing.
assert_not_initial_netns() {
	local self init_pidns pid1
	if ! self=$(stat -L -c %i /proc/self/ns/net 2>/dev/null); then
		echo "refusing to go on: cannot read /proc/self/ns/net to prove this is not the real host" >&2
		exit 2
	fi
	if [[ $self == "$THROWAWAY_PROC_NET_INIT_INO" ]]; then
		echo "refusing to go on: this is the machine's initial network namespace (inode $self); run inside a throwaway host" >&2
		exit 2
	fi
	if [[ -n ${THROWAWAY_OUTER_NETNS_INO:-} && $self == "$THROWAWAY_OUTER_NETNS_INO" ]]; then
		echo "refusing to go on: this is the network namespace the throwaway host was started from (inode $self)" >&2
		exit 2
	fi
	init_pidns=$(stat -L -c %i /proc/self/ns/pid 2>/dev/null || true)
	if [[ $init_pidns == "$THROWAWAY_PROC_PID_INIT_INO" ]] && pid1=$(stat -L -c %i /proc/1/ns/net 2>/dev/null); then
		if [[ $self == "$pid1" ]]; then
			echo "refusing to go on: this is PID 1's network namespace (inode $self); run inside a throwaway host" >&2
			exit 2
		fi
	fi
}

# --kill-child: if unshare itself is killed, its child -- PID 1 of the new PID namespace -- gets
# SIGKILL, and with it every process of the throwaway host. unshare blocks SIGTERM while it waits,
# so a `timeout` around it needs -k to get there.
# --uts: nothing inside can rename the real host.
THROWAWAY_UNSHARE=(unshare --net --mount --propagation private --uts --pid --fork --mount-proc --kill-child)

# Run CMD... in a new throwaway host; returns CMD's exit status.
in_throwaway_host() {
	if [[ $# -eq 0 ]]; then
		echo "in_throwaway_host: no command given" >&2
		return 2
	fi
	if [[ -n ${BRIDGECTL:-} ]]; then
		"$BRIDGECTL" sandbox -- "$@"
		return
	fi
	THROWAWAY_OUTER_NETNS_INO=$(stat -L -c %i /proc/self/ns/net) \
		"${THROWAWAY_UNSHARE[@]}" bash "$THROWAWAY_HOST_LIB" --inside "$@"
}

# The fallback's PID 1 (bridgectl sandbox does the same in Swift: HostSystem's Sandbox) of the throwaway host: build the private mounts, then run CMD as a child (not exec:
# bash as PID 1 reaps orphans, and its exit takes the whole namespace down).
_throwaway_host_inside() {
	assert_not_initial_netns

	# /run first: it also holds the scratch space for the /etc overlay.
	mount -t tmpfs -o mode=0755,nosuid,nodev throwaway-run /run
	mkdir -p /run/.throwaway-host
	mount -t tmpfs -o mode=0700 throwaway-scratch /run/.throwaway-host

	# /etc: copy-on-write, so bridgectl may create /etc/netns and tests may edit anything under /etc
	# without the real disk seeing it. Overlay needs no copy; fall back to a tmpfs copy if the
	# kernel or the root filesystem refuses overlay.
	mkdir -p /run/.throwaway-host/etc-upper /run/.throwaway-host/etc-work
	if ! mount -t overlay throwaway-etc \
		-o lowerdir=/etc,upperdir=/run/.throwaway-host/etc-upper,workdir=/run/.throwaway-host/etc-work /etc 2>/dev/null; then
		mkdir -p /run/.throwaway-host/etc-copy
		cp -a /etc/. /run/.throwaway-host/etc-copy/
		mount --bind /run/.throwaway-host/etc-copy /etc
	fi
	mkdir -p /etc/netns
	mount -t tmpfs -o mode=0755 throwaway-etc-netns /etc/netns

	# The default state root is also hidden if it exists, so a command run without BRIDGECTL_ROOT
	# still cannot touch the real host's state.
	if [[ -d /var/lib/bridgectl ]]; then
		mount -t tmpfs -o mode=0755 throwaway-default-root /var/lib/bridgectl
	fi

	# sysfs shows the devices of the netns that mounted it: remount it for this one.
	umount -l /sys
	mount -t sysfs -o nosuid,nodev,noexec throwaway-sys /sys

	ip link set lo up

	export BRIDGECTL_ROOT=/run/bridgectl-state
	mkdir -p "$BRIDGECTL_ROOT"
	export THROWAWAY_HOST=1

	local rc=0
	"$@" || rc=$?
	return "$rc"
}

# A fake "internet" for tests that need a way out: netns `inet` holding 203.0.113.1/24 (TEST-NET-3,
# never routed on the real internet), wired to the throwaway host's `uplink0` (203.0.113.2/24), and
# the throwaway host's default route pointing at it. Tests can listen on 203.0.113.1 inside `inet`
# to see what leaves the host (e.g. masqueraded sources).
throwaway_make_internet() {
	assert_not_initial_netns
	ip netns add inet
	ip link add uplink0 type veth peer name eth0 netns inet
	ip -n inet link set lo up
	ip -n inet addr add 203.0.113.1/24 dev eth0
	ip -n inet link set eth0 up
	ip addr add 203.0.113.2/24 dev uplink0
	ip link set uplink0 up
	ip route add default via 203.0.113.1
}

# A read-only, comparable picture of the host this runs on: links (ifindex, peer ifindex and netnsid
# stripped, sorted), named netns, /etc/netns and /run/netns entries, and the iptables rulesets
# (comment lines and [packets:bytes] counters stripped). .ci/run, the harness self-test and the demo
# take one before and after their work to prove that the real host was never touched.
real_host_snapshot() {
	echo "== links"
	ip -o link show | sed -E 's/^[0-9]+: //; s/@if[0-9]+//; s/ link-netnsid [0-9]+//' | sort
	echo "== netns"
	ip netns list 2>/dev/null
	echo "== /etc/netns and /run/netns"
	find /etc/netns /run/netns -mindepth 1 -maxdepth 2 2>/dev/null | sort
	# The default state root: a command that ran outside its throwaway host writes records here.
	echo "== /var/lib/bridgectl"
	find /var/lib/bridgectl -mindepth 1 -maxdepth 2 2>/dev/null | sort
	# cgroupfs is not namespaced: the runtime tests' cgroups (tests/integration/lib-runtimes.sh,
	# bridgectl-test-*; podman's default libpod_parent) are made in the real host's hierarchies.
	echo "== runtime cgroups"
	find /sys/fs/cgroup -mindepth 2 -maxdepth 2 \( -name 'bridgectl-test-*' -o -name libpod_parent \) 2>/dev/null | sort
	local tool
	# A missing tool counts as an empty ruleset: scripts/test may install iptables between the two
	# snapshots, and installing it adds no rule.
	for tool in iptables-save ip6tables-save; do
		echo "== $tool"
		if command -v "$tool" >/dev/null; then
			"$tool" 2>/dev/null | grep -v '^#' | sed -E 's/\[[0-9]+:[0-9]+\]/[0:0]/' || true
		fi
	done
}

# Executed rather than sourced: act as a wrapper command.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	set -euo pipefail
	if [[ ${1-} == --inside ]]; then
		shift
		_throwaway_host_inside "$@"
	else
		[[ $# -gt 0 ]] || {
			echo "usage: $0 CMD..." >&2
			exit 2
		}
		# exec: the caller (e.g. `timeout -k`) must signal the sandbox itself, not a bash in
		# between that would die and leave the throwaway host running.
		[[ -z ${BRIDGECTL:-} ]] || exec "$BRIDGECTL" sandbox -- "$@"
		THROWAWAY_OUTER_NETNS_INO=$(stat -L -c %i /proc/self/ns/net)
		export THROWAWAY_OUTER_NETNS_INO
		exec "${THROWAWAY_UNSHARE[@]}" bash "$THROWAWAY_HOST_LIB" --inside "$@"
	fi
fi
