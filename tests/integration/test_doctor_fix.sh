#!/usr/bin/env bash
# bridgectl doctor --fix (issue #8): for each way the issue names of breaking the host behind
# bridgectl's back, --fix must report it, repair it through the journaled applier (exit 0), leave a
# second doctor clean, and packets must flow again: a container reaches another by name (the
# embedded DNS) and the host reaches a published port. --dry-run shows the repair and changes
# nothing; what is not bridgectl's (an unmarked br-… bridge, the user's rule) is never touched.
# Runs on both firewall backends; the firewall's damage and doctor's words are each backend's.
# firewall backends: iptables nftables
source "$(dirname "$0")/lib.sh"
require_bridgectl

# The web server in api's namespace. A namespace deleted and made again is a new, empty one, so
# the server is started again there (as a runtime would start its container again).
start_api_server() {
	[[ -n ${API_SERVER:-} ]] && stop_bg "$API_SERVER"
	start_bg ip netns exec api python3 -c "$TCP_SERVER_PY" api 80
	API_SERVER=$BG_PID
	wait_listening api 80 || true
}

# traffic_flows DESC: db -> api:80 by name, and the host -> 127.0.0.1:8080 (api's published port).
traffic_flows() {
	run bridgectl exec db python3 -c "$TCP_CLIENT_PY" api 80
	expect_contains "$1: db reaches api by name" "$OUT" "hello from api"
	run python3 -c "$TCP_CLIENT_PY" 127.0.0.1 8080
	expect_contains "$1: the published port answers" "$OUT" "hello from api"
}

# fixed DESC TEXT: doctor --fix names the drift (TEXT), repairs it and exits 0; the next doctor is
# clean; packets flow.
fixed() {
	run bridgectl doctor --fix
	expect_eq "$1: doctor --fix exits 0" "0" "$RC"
	expect_contains "$1: --fix says what drifted" "$OUT" "$2"
	expect_contains "$1: --fix ends clean" "$OUT" "no drift"
	run bridgectl doctor
	expect_eq "$1: a second doctor is clean (stdout: $OUT)" "0" "$RC"
	traffic_flows "$1"
}

section "setup"
expect_ok "network web" bridgectl network create web
expect_ok "api publishes 8080" bridgectl container create api --network web -p 8080:80
expect_ok "db" bridgectl container create db --network web
sysctl -qw net.ipv4.ip_forward=1
start_api_server
traffic_flows "before anything breaks"
run bridgectl doctor --fix
expect_eq "--fix on a clean host: exit 0" "0" "$RC"
expect_contains "--fix on a clean host: says so" "$OUT" "no drift"
api_veth=$(ip -o -d link show type veth | grep 'alias bridgectl container=api' | sed -E 's/^[0-9]+: ([^@:]+).*/\1/' | head -n1 || true)
bridge=$(ip -o -d link show type bridge | grep 'alias bridgectl net=web' | sed -E 's/^[0-9]+: ([^@:]+).*/\1/' | head -n1 || true)

section "--dry-run shows the repair and changes nothing"
ip link del "$api_veth"
before=$(world_snapshot)
run bridgectl doctor --fix --dry-run
expect_eq "dry run: exit 1 (the host still drifts)" "1" "$RC"
expect_contains "dry run: the drift" "$OUT" "container api: veth $api_veth is missing from bridge $bridge"
expect_contains "dry run: the repair as a runnable command" "$OUT" "ip link add $api_veth mtu 1500 master $bridge type veth peer name eth0"
expect_eq "dry run: the world is unchanged" "$before" "$(world_snapshot)"
link_absent "$api_veth" && pass "dry run: the veth is still missing" || fail "dry run: the veth is still missing"

section "links"
fixed "veth deleted" "container api: veth $api_veth is missing from bridge $bridge"
ip link del "$bridge"
fixed "bridge deleted" "network web: bridge $bridge is missing"
ip link set "$bridge" down
fixed "bridge down" "network web: bridge $bridge is down"

section "addresses and routes inside a container"
ip -n db route del default
fixed "default route removed" "container db: default route via 172.18.0.1 dev eth0 is missing from namespace db"
ip -n db addr flush dev eth0
fixed "address removed" "container db: address 172.18.0.3/16 is missing from eth0 in namespace db"
ip -n api addr flush dev eth0
fixed "the published container's address removed" "container api: address 172.18.0.2/16 is missing from eth0 in namespace api"

section "files"
echo "6.6.6.6 evil" >>/etc/netns/db/hosts
fixed "/etc/netns file edited" "container db: file /etc/netns/db/hosts differs from what bridgectl wrote"
rm /etc/netns/db/resolv.conf
fixed "/etc/netns file deleted" "container db: file /etc/netns/db/resolv.conf is missing"
expect_contains "resolv.conf points at the embedded DNS again" "$(cat /etc/netns/db/resolv.conf)" "nameserver 127.0.0.11"

section "the firewall ($FIREWALL)"
expect_ok "a rule of the user's in the user chain" firewall_user_drop_from 198.51.100.7
if [[ $FIREWALL == nftables ]]; then
	# rule_handle CHAIN COMMENT : the handle of the rule of bridgectl's table with that comment.
	rule_handle() { nft -a list chain ip bridgectl "$1" | sed -n "s/.*comment \"$2\" # handle \([0-9]*\)\$/\1/p"; }
	nft delete rule ip bridgectl "nat-$bridge" handle "$(rule_handle "nat-$bridge" "bridgectl net=web masquerade")"
	fixed "one rule deleted" "nftables: rules of chain nat-$bridge differ: missing \"bridgectl net=web masquerade\""
	nft delete rule ip bridgectl "forward-$bridge" handle "$(rule_handle "forward-$bridge" "bridgectl net=web isolated from other networks")"
	fixed "a rule in the middle of a chain deleted" \
		"nftables: rules of chain forward-$bridge differ: missing \"bridgectl net=web isolated from other networks\""
	expect_match "the rebuilt chain keeps its order: icc, isolation, outbound" 'icc on.*isolated from other networks.*outbound' \
		"$(nft list chain ip bridgectl "forward-$bridge" | tr '\n' ' ')"
	nft delete element ip bridgectl published-any-address '{ tcp . 8080 }'
	fixed "a published port's element deleted" "nftables: element tcp . 8080 : 172.18.0.2 . 80 missing from map published-any-address"
	expect_eq "the user's rule in chain user is never touched" "$(firewall_user_rule_text 198.51.100.7)" "$(firewall_user_rules)"
	# nft flush table empties chain user too: the user's rules are theirs to put back.
	nft flush table ip bridgectl
	fixed "nft flush table" "nftables: rules of chain forward differ: missing \"bridgectl user rules first\""
	expect_eq "the jump to the user's chain comes first in forward" 'jump user comment "bridgectl user rules first"' \
		"$(firewall_first_forward_rule)"
	nft flush ruleset
	fixed "nft flush ruleset" "nftables: table ip bridgectl missing"
	expect_eq "nftables mode: --fix wrote nothing of bridgectl's into iptables" "" "$(iptables-save | grep -iE 'bridgectl' || true)"
else
	{ echo '*nat'; iptables-save -t nat | grep -- '^-A BRIDGECTL-POSTROUTING .*net=web masquerade' | sed 's/^-A/-D/'; echo COMMIT; } |
		iptables-restore --noflush
	fixed "one rule deleted" "network web: rule 'bridgectl net=web masquerade' is missing from nat BRIDGECTL-POSTROUTING"
	{ echo '*filter'; iptables-save -t filter | grep -- '^-A BRIDGECTL-FORWARD .*net=web icc on' | sed 's/^-A/-D/'; echo COMMIT; } |
		iptables-restore --noflush
	fixed "a rule in the middle of a chain deleted" "network web: rule 'bridgectl net=web icc on' is missing from filter BRIDGECTL-FORWARD"
	expect_match "the rebuilt chain keeps its order: icc before 'nothing else in'" 'icc on.*nothing else in' \
		"$(iptables-save -t filter | grep -- '^-A BRIDGECTL-FORWARD' | tr '\n' ' ')"
	iptables -t nat -F
	fixed "iptables -t nat -F" "container api: rule 'bridgectl container=api publish 0.0.0.0:8080->80/tcp' is missing from nat BRIDGECTL-DNAT"
	expect_contains "the user's rule in BRIDGECTL-USER is never touched" "$(iptables-save -t filter)" "-A BRIDGECTL-USER -s 198.51.100.7/32 -j DROP"
	# iptables -F empties BRIDGECTL-USER too: the user's rules are theirs to put back.
	iptables -F
	fixed "iptables -F" "network web: rule 'bridgectl net=web icc on' is missing from filter BRIDGECTL-FORWARD"
	expect_eq "the jump to the user's chain comes first in FORWARD" "-A FORWARD -m comment --comment \"bridgectl user rules first\" -j BRIDGECTL-USER" \
		"$(iptables-save -t filter | grep -- '^-A FORWARD' | head -n1)"
	if command -v nft >/dev/null 2>&1; then
		nft flush ruleset
		fixed "nft flush ruleset" "chain filter BRIDGECTL-FORWARD is missing"
	else
		skip "nft flush ruleset" "nft is not installed"
	fi
fi
sysctl -qw net.ipv4.ip_forward=0
fixed "ip_forward turned off" "sysctl net.ipv4.ip_forward is 0, expected 1"
expect_eq "ip_forward is on again" "1" "$(sysctl -n net.ipv4.ip_forward)"

section "namespaces"
ip netns del api
run bridgectl doctor --fix
expect_eq "namespace deleted by ip netns del: --fix exits 0" "0" "$RC"
expect_contains "namespace deleted: --fix says so" "$OUT" "container api: namespace api is missing"
run bridgectl doctor
expect_eq "namespace deleted: a second doctor is clean (stdout: $OUT)" "0" "$RC"
expect_contains "namespace made again, under its name" "$(ip netns list)" "api"
start_api_server
traffic_flows "namespace deleted (its server started again)"

section "the resolver"
run bridgectl dns status
supervisor=$(sed -nE 's/^pid [0-9]+ \(supervisor ([0-9]+)\)$/\1/p' <<<"$OUT")
worker=$(awk '/^pid/ { print $2 }' <<<"$OUT")
kill -9 "$supervisor" "$worker"
wait_until 3 bash -c "! kill -0 $worker" || true
fixed "resolver killed whole" "the DNS resolver had died without stopping; this command started it again"

section "orphans and what is not bridgectl's"
ip link add br-111111111111 type bridge
ip link add br-9a8b7c6d5e4f type bridge
ip link set br-9a8b7c6d5e4f alias "bridgectl net=ghost"
ip link add vethdead0000 type veth peer name vethdead0001
ip link set vethdead0000 alias "bridgectl container=ghost"
if [[ $FIREWALL == nftables ]]; then
	nft add chain ip bridgectl forward-br-9a8b7c6d5e4f
	nft add rule ip bridgectl forward-br-9a8b7c6d5e4f accept comment '"bridgectl net=ghost outbound"'
	nft add element ip bridgectl to-bridge '{ "br-9a8b7c6d5e4f" comment "bridgectl net=ghost nothing else in" : drop }'
else
	iptables -N BRIDGECTL-GHOST
	iptables -A BRIDGECTL-FORWARD -o br-9a8b7c6d5e4f -m comment --comment "bridgectl net=ghost nothing else in" -j DROP
fi
fixed "orphans" "orphan bridge br-9a8b7c6d5e4f ('bridgectl net=ghost') has no network in the state"
link_absent br-9a8b7c6d5e4f && pass "the orphan bridge is gone" || fail "the orphan bridge is gone"
link_absent vethdead0000 && pass "the orphan veth is gone" || fail "the orphan veth is gone"
if [[ $FIREWALL == nftables ]]; then
	expect_not_contains "the orphan chain and element are gone" "$(nft list table ip bridgectl)" "9a8b7c6d5e4f"
else
	expect_not_contains "the orphan chain and rule are gone" "$(iptables-save -t filter)" "ghost"
	expect_not_contains "the orphan chain itself is gone" "$(iptables-save -t filter)" "BRIDGECTL-GHOST"
fi
link_exists br-111111111111 && pass "a hand-made br-<12 hex> bridge (no mark) is left alone" ||
	fail "a hand-made br-<12 hex> bridge (no mark) is left alone"
ip link del br-111111111111

section "a leftover from a crash"
# SIGKILL inside the create's 2nd atomic write: the journal and half a container are left behind.
run env BRIDGECTL_KILL_AT_WRITE=1 bridgectl container create crashy --network web
expect_eq "the create was killed" "137" "$RC"
run bridgectl doctor
expect_eq "doctor after a crash: exit 1" "1" "$RC"
expect_contains "doctor after a crash: says it finished the half-done change" "$OUT" "left half-done by a killed bridgectl"
run bridgectl doctor
expect_eq "then the host is clean (stdout: $OUT)" "0" "$RC"
expect_not_contains "nothing of crashy remains" "$(ip netns list; ls /etc/netns)" "crashy"

section "a container's scope"
ip -n db route del default
run bridgectl doctor --fix api
expect_eq "--fix of api leaves db's drift alone: exit 0" "0" "$RC"
run bridgectl doctor db
expect_eq "db still drifts" "1" "$RC"
run bridgectl doctor --fix db
expect_eq "--fix db: exit 0" "0" "$RC"
traffic_flows "after scoped fixes"

section "clean-up"
stop_bg "$API_SERVER"
expect_ok "container rm -f api db" bridgectl container rm -f api db
expect_ok "network rm web" bridgectl network rm web
# The kernel destroys a removed namespace's veths in the background; until it has, doctor truly
# sees them (marked, with no container in the state) and says so.
wait_until 5 bash -c '[[ -z $(ip -o link show type veth) ]]' || true
run bridgectl doctor
expect_eq "nothing left to drift (stdout: $OUT)" "0" "$RC"
expect_no_firewall_leftovers "nothing of bridgectl's is left in iptables or nftables"
