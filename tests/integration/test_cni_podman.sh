#!/usr/bin/env bash
# podman 4.3 (CNI backend) runs real containers on networks whose conflist names the plugin under
# test (lib-runtimes.sh): two containers on one network reach each other (by name: bridgectl's
# embedded DNS), a published port answers from the host and from outside, a container on another
# network cannot reach them (bridgectl's isolation), `podman rm` and a container exiting by itself
# leave no link, rule, lease or record behind, and `bridgectl explain` draws them.
# CNI_PLUGIN_UNDER_TEST=bridge runs the same plumbing over the upstream bridge plugin + host-local.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib-runtimes.sh"
require_bridgectl
runtimes_require podman
runtimes_private_host
throwaway_make_internet

section "podman on $CNI_PLUGIN_UNDER_TEST networks alpha and beta"
podman_setup
cni_install_network alpha 10.89.1.0/24
cni_install_network beta 10.89.2.0/24
expect_ok "podman network ls" pm network ls --format '{{.Name}} {{.Driver}}'
expect_match "alpha's driver is $CNI_PLUGIN_UNDER_TEST" "^alpha $CNI_PLUGIN_UNDER_TEST\$" "$OUT"
expect_match "beta's driver is $CNI_PLUGIN_UNDER_TEST" "^beta $CNI_PLUGIN_UNDER_TEST\$" "$OUT"

expect_ok "podman run web on alpha, -p 8080:80, alias www" \
	pm_run web alpha -p 8080:80 --network-alias www -- nc -ll -p 80 -e echo hello-from-web
expect_ok "podman run client on alpha" pm_run client alpha -- sleep 600
expect_ok "podman run outsider on beta" pm_run outsider beta -- sleep 600

ip_of() { # ip_of CONTAINER NETWORK
	pm inspect "$1" --format "{{(index .NetworkSettings.Networks \"$2\").IPAddress}}"
}
web_ip=$(ip_of web alpha 2>&1)
client_ip=$(ip_of client alpha 2>&1)
outsider_ip=$(ip_of outsider beta 2>&1)
expect_match "web has an address on alpha" '^10\.89\.1\.[0-9]+$' "$web_ip"
expect_match "client has an address on alpha" '^10\.89\.1\.[0-9]+$' "$client_ip"
expect_match "outsider has an address on beta" '^10\.89\.2\.[0-9]+$' "$outsider_ip"
expect_ok "client's eth0 inside holds the address podman reports" pm exec client ip -4 -o addr show dev eth0
expect_contains "client's eth0 is $client_ip" "$OUT" " $client_ip/24 "
expect_ok "client's default route leaves by eth0 to alpha's gateway" pm exec client ip route show default
expect_match "client's default route is via 10.89.1.1" '^default via 10\.89\.1\.1 dev eth0' "$OUT"

section "two containers on alpha"
expect_ok "client pings web by address" pm exec client ping -c1 -W2 "$web_ip"
expect_ok "client reaches web's port 80" pm exec client nc -w 2 "$web_ip" 80
expect_eq "web answers client" hello-from-web "$OUT"
if under_bridgectl; then
	expect_ok "client's resolv.conf" pm exec client cat /etc/resolv.conf
	expect_match "client's resolver is bridgectl's embedded DNS" '^nameserver 127\.0\.0\.11$' "$OUT"
	expect_ok "client pings web by name" pm exec client ping -c1 -W2 web
	expect_ok "client pings web by its alias www" pm exec client ping -c1 -W2 www
	expect_ok "client reaches web:80 by name" pm exec client nc -w 2 web 80
	expect_eq "web answers client by name" hello-from-web "$OUT"
fi

section "-p 8080:80"
expect_ok "the host reaches 127.0.0.1:8080" python3 -c "$TCP_CLIENT_PY" 127.0.0.1 8080
expect_eq "web answers the host" hello-from-web "$OUT"
expect_ok "the outside (netns inet) reaches 203.0.113.2:8080" ip netns exec inet python3 -c "$TCP_CLIENT_PY" 203.0.113.2 8080
expect_eq "web answers the outside" hello-from-web "$OUT"

section "beta cannot reach alpha"
if under_bridgectl; then
	expect_fail "outsider cannot ping web" pm exec outsider ping -c1 -W1 "$web_ip"
	expect_fail "outsider cannot reach web's port 80" pm exec outsider nc -w 1 "$web_ip" 80
	expect_fail "outsider cannot resolve web" pm exec outsider nslookup web
	expect_ok "outsider still reaches the outside" pm exec outsider ping -c1 -W2 203.0.113.1
else
	# The upstream bridge plugin does not isolate its bridges (nothing to check), but the way out
	# through ipMasq works.
	expect_ok "outsider reaches the outside" pm exec outsider ping -c1 -W2 203.0.113.1
fi

if under_bridgectl; then
	section "bridgectl sees podman's containers"
	web_id=$(pm inspect web --format '{{.Id}}' 2>&1)
	expect_ok "bridgectl container ls" bridgectl container ls --no-trunc
	expect_match "container ls lists web" '\bweb\b' "$OUT"
	expect_match "container ls lists client" '\bclient\b' "$OUT"
	expect_match "container ls lists outsider" '\boutsider\b' "$OUT"
	expect_ok "bridgectl container inspect web" bridgectl container inspect web
	expect_contains "inspect shows podman's container ID" "$OUT" "$web_id"
	expect_contains "inspect shows podman's netns path" "$OUT" "/run/netns/netns-"
	expect_ok "bridgectl doctor finds no drift" bridgectl doctor
	expect_ok "bridgectl explain" bridgectl explain
	expect_contains "explain draws network alpha" "$OUT" alpha
	expect_contains "explain draws network beta" "$OUT" beta
	expect_contains "explain draws web" "$OUT" web
	expect_contains "explain draws client" "$OUT" client
	expect_contains "explain draws outsider" "$OUT" outsider
fi

section "--ip and --mac-address (podman passes them in CNI_ARGS IP= and MAC=)"
expect_ok "podman run fixed on alpha --ip 10.89.1.50 --mac-address 02:00:0a:59:01:32" \
	pm_run fixed alpha --ip 10.89.1.50 --mac-address 02:00:0a:59:01:32 -- sleep 600
expect_ok "fixed's eth0 inside" pm exec fixed ip -o addr show dev eth0
expect_contains "fixed's eth0 is 10.89.1.50/24" "$OUT" " 10.89.1.50/24 "
expect_ok "fixed's eth0 link inside" pm exec fixed ip -o link show dev eth0
expect_contains "fixed's MAC is 02:00:0a:59:01:32" "$OUT" "link/ether 02:00:0a:59:01:32 "
expect_ok "client pings fixed at 10.89.1.50" pm exec client ping -c1 -W2 10.89.1.50
expect_ok "podman rm -f fixed" pm rm -f -t 0 fixed

section "four containers started at once get four addresses"
for n in 1 2 3 4; do
	pm_run "par$n" alpha -- sleep 600 >"$_LIB_TMP/par$n.out" 2>&1 &
	par_pids[n]=$!
done
par_failed=()
for n in 1 2 3 4; do
	wait "${par_pids[n]}" || par_failed+=("par$n: $(cat "$_LIB_TMP/par$n.out")")
done
if ((${#par_failed[@]} == 0)); then pass "four parallel podman run succeed"; else fail "four parallel podman run succeed" "${par_failed[@]}"; fi
par_ips=$(for n in 1 2 3 4; do ip_of "par$n" alpha 2>&1; echo; done | sort -u | grep -c '^10\.89\.1\.' || true)
expect_eq "they hold four distinct addresses on alpha" 4 "$par_ips"
for n in 1 2 3 4; do
	expect_ok "client pings par$n" pm exec client ping -c1 -W2 "$(ip_of "par$n" alpha 2>&1)"
done
expect_ok "podman rm -f par1..par4" pm rm -f -t 0 par1 par2 par3 par4

section "a container that exits by itself is detached (podman's cleanup sends DEL)"
expect_ok "podman run brief on alpha (sleeps 1 s)" pm_run brief alpha -- sleep 1
brief_ip=$(ip_of brief alpha 2>&1)
expect_match "brief has an address on alpha" '^10\.89\.1\.[0-9]+$' "$brief_ip"
_brief_detached() {
	[[ $(pm inspect brief --format '{{.State.Status}}') == exited ]] &&
		! iptables-save | grep -qF "$brief_ip" &&
		if under_bridgectl; then
			! bridgectl container ls | grep -qw brief
		else
			! hostlocal_leases alpha | grep -qxF "$brief_ip"
		fi
}
if wait_until 20 _brief_detached; then
	pass "brief exited and its address and rules are released"
else
	fail "brief exited and its address and rules are released" "$(pm ps -a 2>&1)" "$(hostlocal_leases alpha)" \
		"$(bridgectl container ls 2>&1)"
fi
expect_ok "podman rm brief" pm rm brief

section "podman rm leaves nothing behind"
expect_ok "podman rm -f web client outsider" pm rm -f -t 0 web client outsider
expect_eq "podman ps -a is empty" "" "$(pm ps -aq 2>&1)"
_no_veths() { ! ip -o link show | grep -qE ': veth'; }
if wait_until 10 _no_veths; then pass "no veth is left"; else fail "no veth is left" "$(ip -br link)"; fi
expect_eq "podman's namespaces are gone from /run/netns" "" "$(find /run/netns -name 'netns-*' 2>&1)"
rules=$(iptables-save 2>&1)
for address in "$web_ip" "$client_ip" "$outsider_ip"; do
	expect_not_contains "no rule mentions $address" "$rules" "$address"
done
expect_no_match "no rule publishes port 8080" '(dport|to-destination).*\b8080\b' "$rules"
expect_eq "libcni's result cache is empty" "" "$(find /var/lib/cni/results -type f 2>/dev/null)"
if under_bridgectl; then
	expect_ok "bridgectl container ls" bridgectl container ls -q
	expect_eq "bridgectl lists no container" "" "$OUT"
	expect_ok "bridgectl network inspect alpha" bridgectl network inspect alpha
	expect_json "alpha has no container left" "$OUT" 'len(d[0]["Containers"])' 0
	expect_ok "bridgectl doctor finds no drift" bridgectl doctor
else
	expect_eq "host-local holds no lease on alpha" "" "$(hostlocal_leases alpha)"
	expect_eq "host-local holds no lease on beta" "" "$(hostlocal_leases beta)"
fi

section "alpha and beta removed"
cni_remove_network alpha
cni_remove_network beta

if under_bridgectl; then
	section "a state root named only in the conflist, also for podman's cleanup DEL (bare environment)"
	# conmon starts `podman container cleanup` without our environment: its DEL sees no
	# BRIDGECTL_ROOT, only the conflist. The ADD below runs with the test's BRIDGECTL_ROOT set,
	# which the conflist's stateRoot overrides. One host has one state root (the firewall's
	# chains are shared): this runs once the test's root has no network left.
	gamma_root=$RUNTIMES_DIR/gamma-state
	cni_conflist gamma 10.89.3.0/24 | python3 -c '
import json, sys
conflist = json.load(sys.stdin)
conflist["plugins"][0]["stateRoot"] = sys.argv[1]
print(json.dumps(conflist, indent=1))' "$gamma_root" >"$CNI_CONF_DIR/gamma.conflist"
	ln -sf "$CNI_CONF_DIR/gamma.conflist" /etc/cni/net.d/10-gamma.conflist
	gamma() { bridgectl --root "$gamma_root" "$@"; }
	expect_ok "podman run short on gamma (exits when told)" \
		pm_run short gamma -- sh -c 'until [ -e /tmp/exit ]; do sleep 0.1; done'
	expect_ok "bridgectl --root $gamma_root container ls" gamma container ls
	expect_match "…lists short: the ADD used the conflist's stateRoot" '\bshort\b' "$OUT"
	expect_ok "bridgectl container ls (the environment's root)" bridgectl container ls
	expect_no_match "…does not" '\bshort\b' "$OUT"
	short_ip=$(ip_of short gamma 2>&1)
	expect_match "short has an address on gamma" '^10\.89\.3\.[0-9]+$' "$short_ip"
	_short_veth_exists() { ip -o link show | grep -qE 'alias bridgectl container=short( |$)'; }
	if _short_veth_exists; then pass "short's host veth exists"; else fail "short's host veth exists" "$(ip -o link show)"; fi
	expect_ok "short is told to exit" pm exec short touch /tmp/exit
	# Nothing of ours runs podman until it is detached: only conmon's cleanup may send the DEL.
	_short_detached() {
		local left
		left=$(gamma container ls -q) && [[ -z $left ]] && ! _short_veth_exists && ! iptables-save | grep -qF "$short_ip"
	}
	if wait_until 20 _short_detached; then
		pass "short exited and its record, veth and rules are gone from the conflist's state root"
	else
		fail "short exited and its record, veth and rules are gone from the conflist's state root" \
			"$(gamma container ls 2>&1)" "$(ip -o link show | grep -F 'container=short' || true)"
	fi
	expect_ok "bridgectl --root $gamma_root doctor finds no drift" gamma doctor
	expect_ok "podman rm short" pm rm -f -t 0 short
	expect_ok "bridgectl --root $gamma_root network rm gamma" gamma network rm gamma
	rm -f "$CNI_CONF_DIR/gamma.conflist" /etc/cni/net.d/10-gamma.conflist
fi

section "runtimes stopped, cgroups removed"
_runtimes_cleanup
set -e
expect_eq "no cgroup directory of this run is left on the host" "" "$(runtimes_leftover_cgroups)"
