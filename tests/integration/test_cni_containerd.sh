#!/usr/bin/env bash
# containerd 1.6's `ctr run --cni` on a network whose conflist names the plugin under test
# (lib-runtimes.sh): a foreground `ctr run --rm` is attached and detached again (ADD, then DEL
# with CNI_NETNS empty because the task has exited); detached containers reach each other and
# never get a DEL when killed: bridgectl's GC (CNI_COMMAND=GC) and `doctor --fix` clean what they
# leave, where the upstream bridge plugin + host-local leaks their leases.
# ctr passes CNI_CONTAINERID=<namespace>-<id> (default-d1), CNI_NETNS=/proc/<pid>/ns/net, no args.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib-runtimes.sh"
require_bridgectl
runtimes_require containerd
runtimes_private_host

section "a private containerd, network alpha ($CNI_PLUGIN_UNDER_TEST)"
containerd_start
expect_ok "ctr images ls" ctr_ images ls -q
expect_contains "the busybox image is imported" "$OUT" "$BUSYBOX_IMAGE"
cni_install_network alpha 10.89.1.0/24
expect_eq "ctr's CNI config dir holds alpha's conflist only" 10-alpha.conflist "$(ls /etc/cni/net.d)"

# ctr_run ID [ctr run flags...] -- CMD... (the cgroup under this run's parent)
ctr_run() {
	local id=$1
	shift
	local flags=()
	while [[ $# -gt 0 && $1 != -- ]]; do
		flags+=("$1")
		shift
	done
	[[ ${1-} == -- ]] && shift
	ctr_ run --cni --cgroup "$(ctr_cgroup "$id")" "${flags[@]}" "$BUSYBOX_IMAGE" "$id" "$@"
}

# Every record bridgectl holds, as JSON (empty list when none).
bridgectl_records() {
	local ids
	mapfile -t ids < <(bridgectl container ls -q --no-trunc)
	if ((${#ids[@]} == 0)); then echo '[]'; else bridgectl container inspect "${ids[@]}"; fi
}

# alpha_released ADDRESS : no lease, record or rule holds ADDRESS any more. The upstream bridge
# plugin's DEL returns before removing its ipMasq rules when CNI_NETNS is empty (as ctr sends it
# after the task exited): for it, only the lease is checked.
alpha_released() {
	if under_bridgectl; then
		! iptables-save | grep -qF "$1" || return 1
		! bridgectl_records | grep -qF "\"$1"
	else
		! hostlocal_leases alpha | grep -qxF "$1"
	fi
}

section "attach and detach round trip (ctr run --rm)"
expect_ok "ctr run --rm --cni rt: eth0 has an address, the gateway answers" \
	ctr_run rt --rm -- sh -c 'ip -4 -o addr show dev eth0 && ping -c1 -W2 10.89.1.1'
expect_match "rt's eth0 had an address on alpha" ' inet 10\.89\.1\.[0-9]+/24 ' "$OUT"
rt_ip=$(grep -oE '10\.89\.1\.[0-9]+/24' <<<"$OUT" | head -n1)
rt_ip=${rt_ip%/24}
expect_eq "ctr has no task or container rt left" "" "$(ctr_ containers ls -q 2>&1)"
_no_veths() { ! ip -o link show | grep -qE ': veth'; }
if wait_until 10 _no_veths; then pass "no veth is left"; else fail "no veth is left" "$(ip -br link)"; fi
if [[ -n $rt_ip ]] && alpha_released "$rt_ip"; then
	pass "the DEL released rt's address $rt_ip"
else
	fail "the DEL released rt's address ${rt_ip:-?}" "$(hostlocal_leases alpha)" "$(bridgectl container ls 2>&1)" \
		"$(iptables-save | grep -F "${rt_ip:-?}")"
fi

section "detached containers d1 and d2"
expect_ok "ctr run -d --cni d1" ctr_run d1 -d -- sleep 600
expect_ok "ctr run -d --cni d2" ctr_run d2 -d -- sleep 600
task_ip() { # task_ip ID
	ctr_ tasks exec --exec-id "ip-$RANDOM" "$1" ip -4 -o addr show dev eth0 | grep -oE '10\.89\.1\.[0-9]+' | head -n1
}
d1_ip=$(task_ip d1 2>&1)
d2_ip=$(task_ip d2 2>&1)
expect_match "d1 has an address on alpha" '^10\.89\.1\.[0-9]+$' "$d1_ip"
expect_match "d2 has an address on alpha" '^10\.89\.1\.[0-9]+$' "$d2_ip"
expect_ok "d1 pings d2" ctr_ tasks exec --exec-id ping1 d1 ping -c1 -W2 "$d2_ip"
expect_ok "d2 pings d1" ctr_ tasks exec --exec-id ping2 d2 ping -c1 -W2 "$d1_ip"
if under_bridgectl; then
	d1_pid=$(ctr_ tasks ls | awk '$1 == "d1" { print $2 }')
	records=$(bridgectl_records 2>&1)
	expect_contains "bridgectl holds d1 under ctr's container ID default-d1" "$records" default-d1
	expect_contains "bridgectl holds d2 under ctr's container ID default-d2" "$records" default-d2
	expect_contains "bridgectl records d1's netns path /proc/$d1_pid/ns/net" "$records" "/proc/$d1_pid/ns/net"
	expect_ok "bridgectl doctor finds no drift" bridgectl doctor
	expect_ok "bridgectl explain alpha" bridgectl explain alpha
	expect_contains "explain draws d1's address" "$OUT" "$d1_ip"
	expect_contains "explain draws d2's address" "$OUT" "$d2_ip"
fi

section "killed without a DEL (ctr sends none for detached containers)"
kill_task() { # kill_task ID : kill, delete the task and the container; no CNI call happens
	ctr_ tasks kill -s SIGKILL "$1" >/dev/null 2>&1
	wait_until 10 _ctr_task_stopped "$1" || true
	ctr_ tasks delete "$1" >/dev/null 2>&1
	ctr_ containers delete "$1" >/dev/null 2>&1
}
kill_task d2
expect_eq "ctr holds d1 only" d1 "$(ctr_ containers ls -q 2>&1)"
if under_bridgectl; then
	# What a runtime that implements CNI GC sends: every attachment still valid.
	cni_plugin_exec GC alpha '{"cni.dev/valid-attachments": [{"containerID": "default-d1", "ifname": "eth0"}]}'
	if [[ $RC -eq 0 ]]; then pass "GC keeping default-d1 succeeds"; else fail "GC keeping default-d1 succeeds" "exit $RC" "$OUT" "$ERR"; fi
	if wait_until 5 alpha_released "$d2_ip"; then pass "GC released d2's address $d2_ip"; else fail "GC released d2's address $d2_ip" "$(bridgectl container ls 2>&1)"; fi
	records=$(bridgectl_records 2>&1)
	expect_contains "GC kept d1" "$records" default-d1
	expect_not_contains "GC removed d2" "$records" default-d2
	expect_ok "d1 still reaches the gateway" ctr_ tasks exec --exec-id ping3 d1 ping -c1 -W2 10.89.1.1

	kill_task d1
	run bridgectl doctor
	expect_ne "doctor reports d1's drift (its namespace died)" 0 "$RC"
	expect_ok "bridgectl doctor --fix" bridgectl doctor --fix
	if alpha_released "$d1_ip"; then pass "doctor --fix released d1's address $d1_ip"; else fail "doctor --fix released d1's address $d1_ip" "$(bridgectl container ls 2>&1)"; fi
	expect_eq "bridgectl holds no container" "" "$(bridgectl container ls -q 2>&1)"
	expect_ok "bridgectl network inspect alpha" bridgectl network inspect alpha
	expect_json "alpha has no container left" "$OUT" 'len(d[0]["Containers"])' 0
	expect_ok "bridgectl doctor finds no drift" bridgectl doctor
else
	kill_task d1
	# No DEL came (the problem bridgectl's GC and doctor solve): host-local still holds the leases.
	leases=$(hostlocal_leases alpha)
	expect_contains "no DEL came for d1: host-local still holds its lease" "$leases" "$d1_ip"
	expect_contains "no DEL came for d2: host-local still holds its lease" "$leases" "$d2_ip"
fi
if wait_until 10 _no_veths; then pass "no veth is left (the kernel took them with the namespaces)"; else fail "no veth is left" "$(ip -br link)"; fi

section "runtimes stopped, cgroups removed"
cni_remove_network alpha
containerd_pid=$CONTAINERD_PID
_runtimes_cleanup
set -e
if kill -0 "$containerd_pid" 2>/dev/null; then fail "containerd (pid $containerd_pid) is stopped"; else pass "containerd (pid $containerd_pid) is stopped"; fi
expect_eq "no cgroup directory of this run is left on the host" "" "$(runtimes_leftover_cgroups)"
