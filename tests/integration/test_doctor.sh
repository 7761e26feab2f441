#!/usr/bin/env bash
# bridgectl doctor (issue #8): the host is broken behind bridgectl's back in each way the issue
# names, and doctor must say what drifted in words naming the object and its owner, exit 1, judge
# only what bridgectl marked (a hand-made br-… bridge is never an orphan), and exit 0 on a clean
# host. The resolver's death is reported too. Runs on both firewall backends; the firewall's
# damage and doctor's words for it are each backend's own.
# firewall backends: iptables nftables
source "$(dirname "$0")/lib.sh"
require_bridgectl

# expect_drift DESC TEXT [SCOPE]: doctor exits 1 and its output contains TEXT.
expect_drift() {
	run bridgectl doctor ${3:+"$3"}
	expect_eq "$1: doctor exits 1" "1" "$RC"
	expect_contains "$1: in words, naming the owner" "$OUT" "$2"
}
expect_clean() {
	run bridgectl doctor ${2:+"$2"}
	expect_eq "$1: doctor exits 0" "0" "$RC"
	expect_contains "$1: says so" "$OUT" "no drift"
}

section "a clean host"
expect_ok "network web" bridgectl network create web
expect_ok "api publishes a port" bridgectl container create api --network web -p 8080:80
expect_ok "db" bridgectl container create db --network web
expect_ok "old on the default bridge" bridgectl container create old
expect_clean "right after create"
ip link add br-111111111111 type bridge
expect_clean "a hand-made br-<12 hex> bridge is not bridgectl's (no mark): never called an orphan"
ip link del br-111111111111
run bridgectl doctor --format json
expect_eq "json on a clean host is an empty list" "[]" "$(tr -d ' \n' <<<"$OUT")"

# The marks bridgectl puts on what it creates (`ip -d link` shows them) name each link's owner.
api_veth=$(ip -o -d link show type veth | grep 'alias bridgectl container=api' | sed -E 's/^[0-9]+: ([^@:]+).*/\1/' | head -n1 || true)
bridge=$(ip -o -d link show type bridge | grep 'alias bridgectl net=web' | sed -E 's/^[0-9]+: ([^@:]+).*/\1/' | head -n1 || true)
expect_match "api's veth carries its mark" '^veth[0-9a-f]{7}[0-9]+$' "$api_veth"
expect_match "web's bridge carries its mark" '^br-[0-9a-f]{12}$' "$bridge"

section "links"
ip link del "$api_veth"
expect_drift "veth deleted" "container api: veth $api_veth is missing from bridge $bridge"
expect_drift "scoped to the container" "container api: veth $api_veth is missing" api
expect_clean "another container is unaffected" db

section "addresses and routes inside a container"
ip -n db route del default
expect_drift "default route removed" "container db: default route via 172.18.0.1 dev eth0 is missing from namespace db"
ip -n db addr flush dev eth0
expect_drift "address removed" "container db: address 172.18.0.3/16 is missing from eth0 in namespace db"

section "files"
echo "6.6.6.6 evil" >>/etc/netns/db/hosts
expect_drift "/etc/netns file edited" "container db: file /etc/netns/db/hosts differs from what bridgectl wrote"
rm /etc/netns/db/resolv.conf
expect_drift "/etc/netns file deleted" "container db: file /etc/netns/db/resolv.conf is missing"

section "the firewall ($FIREWALL)"
if [[ $FIREWALL == nftables ]]; then
	masquerade=$(nft -a list chain ip bridgectl "nat-$bridge" | sed -n 's/.*comment "bridgectl net=web masquerade" # handle \([0-9]*\)$/\1/p')
	nft delete rule ip bridgectl "nat-$bridge" handle "$masquerade"
	expect_drift "one rule deleted" "nftables: rules of chain nat-$bridge differ: missing \"bridgectl net=web masquerade\""
	nft delete element ip bridgectl published-any-address '{ tcp . 8080 }'
	expect_drift "a published port's element deleted" "nftables: element tcp . 8080 : 172.18.0.2 . 80 missing from map published-any-address"
	nft flush chain ip bridgectl forward
	expect_drift "nft flush chain forward" "nftables: rules of chain forward differ: missing \"bridgectl user rules first\""
	nft delete table ip bridgectl
	expect_drift "nft delete table" "nftables: table ip bridgectl missing"
	expect_eq "nftables mode: iptables-save shows nothing of bridgectl's" "" "$(iptables-save | grep -iE 'bridgectl' || true)"
else
	{ echo '*nat'; iptables-save -t nat | grep -- '^-A BRIDGECTL-POSTROUTING .*net=web masquerade' | sed 's/^-A/-D/'; echo COMMIT; } |
		iptables-restore --noflush
	expect_drift "one rule deleted" "network web: rule 'bridgectl net=web masquerade' is missing from nat BRIDGECTL-POSTROUTING"
	iptables -t nat -F
	expect_drift "iptables -t nat -F" "container api: rule 'bridgectl container=api publish 0.0.0.0:8080->80/tcp' is missing from nat BRIDGECTL-DNAT"
	iptables -F
	expect_drift "iptables -F" "network web: rule 'bridgectl net=web icc on' is missing from filter BRIDGECTL-FORWARD"
fi
sysctl -qw net.ipv4.ip_forward=0
expect_drift "ip_forward turned off" "sysctl net.ipv4.ip_forward is 0, expected 1"

section "namespaces, bridges, orphans"
ip netns del old
expect_drift "container namespace deleted by ip netns del" "container old: namespace old is missing"
ip link add br-9a8b7c6d5e4f type bridge
ip link set br-9a8b7c6d5e4f alias "bridgectl net=ghost"
expect_drift "a marked bridge with no network" "orphan bridge br-9a8b7c6d5e4f ('bridgectl net=ghost') has no network in the state"
run bridgectl doctor web
expect_not_contains "a scoped doctor judges no orphans" "$OUT" "orphan"
ip link del br-9a8b7c6d5e4f
ip link del "$bridge"
expect_drift "bridge deleted" "network web: bridge $bridge is missing"

section "the resolver"
run bridgectl dns status
supervisor=$(sed -nE 's/^pid [0-9]+ \(supervisor ([0-9]+)\)$/\1/p' <<<"$OUT")
worker=$(awk '/^pid/ { print $2 }' <<<"$OUT")
kill -9 "$supervisor" "$worker"
wait_until 3 bash -c "! kill -0 $worker" || true
expect_drift "resolver killed whole" "the DNS resolver had died without stopping; this command started it again"
run bridgectl doctor api
expect_not_contains "the next doctor finds it running again" "$OUT" "DNS resolver"

section "clean-up on the broken host"
expect_ok "container rm -f api db old" bridgectl container rm -f api db old
expect_ok "network rm web" bridgectl network rm web
sysctl -qw net.ipv4.ip_forward=1
# The kernel destroys a removed namespace's veths in the background; until it has, doctor truly
# sees them (marked, with no container in the state) and says so.
wait_until 5 bash -c '[[ -z $(ip -o link show type veth) ]]' || true
expect_clean "nothing left to drift"
expect_no_firewall_leftovers "nothing of bridgectl's is left in iptables or nftables"
