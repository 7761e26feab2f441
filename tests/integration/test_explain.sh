#!/usr/bin/env bash
# bridgectl explain (issue #9): the picture is read from the kernel — the real ifindexes, veth
# names and addresses appear — with the rules in words; a veth deleted by hand shows as missing,
# with doctor's sentence, in text, dot and mermaid; dot output is valid Graphviz; scopes work.
source "$(dirname "$0")/lib.sh"
require_bridgectl

ifindex() { cat "/sys/class/net/$1/ifindex"; }
marked_link() { # marked_link TYPE MARK: the name of the link carrying bridgectl's mark
	ip -o -d link show type "$1" | grep "alias bridgectl $2\$" | sed -E 's/^[0-9]+: ([^@:]+).*/\1/' | head -n1 || true
}
widest() { LC_ALL=C.UTF-8 wc -L <<<"$1"; } # columns, box-drawing characters counted as one

section "a live topology"
expect_ok "network web, ICC off" bridgectl network create web -o com.docker.network.bridge.enable_icc=false
expect_ok "network data, internal" bridgectl network create data --internal
expect_ok "api publishes 8080->80" bridgectl container create api --network web -p 8080:80
expect_ok "db on web" bridgectl container create db --network web
expect_ok "cache on data" bridgectl container create cache --network data
bridge=$(marked_link bridge net=web)
api_veth=$(marked_link veth container=api)
api_eth0=$(ip netns exec api cat /sys/class/net/eth0/ifindex)
api_ip=$(ip -n api -4 -o addr show dev eth0 | awk '{ print $4 }')
api_mac=$(ip netns exec api cat /sys/class/net/eth0/address)

run bridgectl explain
expect_eq "explain exits 0" "0" "$RC"
expect_contains "the bridge with its real ifindex, gateway and MTU" "$OUT" \
	"bridge $bridge · ifindex $(ifindex "$bridge") · 172.18.0.1/16 · MTU 1500"
expect_contains "api's host veth by name and real ifindex" "$OUT" "$api_veth · ifindex $(ifindex "$api_veth")"
expect_contains "which bridge it is a port of" "$OUT" "port of $bridge"
expect_contains "the peer in the namespace by name and ifindex" "$OUT" "eth0 · ifindex $api_eth0"
expect_contains "api's address and MAC as the namespace holds them" "$OUT" "$api_ip · MAC $api_mac"
expect_contains "its namespace path" "$OUT" "netns /run/netns/api"
expect_contains "its route" "$OUT" "default via 172.18.0.1 dev eth0"
expect_contains "its nameserver" "$OUT" "nameserver 127.0.0.11"
expect_contains "the published port" "$OUT" "published 0.0.0.0:8080 -> api 172.18.0.2:80/tcp"
expect_contains "web's flags" "$OUT" "ICC off · masquerade on · internal no"
expect_contains "data's flags" "$OUT" "ICC on · masquerade off · internal yes"
expect_contains "how the networks are kept apart" "$OUT" "web and data: no traffic between them either way"
expect_contains "a rule in words: ICC off" "$OUT" "drops container-to-container traffic on $bridge because enable_icc=false"
expect_contains "a rule in words: the published port" "$OUT" "rewrites 0.0.0.0:8080/tcp to 172.18.0.2:80 (published by api)"
expect_contains "the internal network's rule" "$OUT" "because data is internal"
expect_contains "a clean host has no drift" "$OUT" "no drift"
expect_eq "fits 100 columns" "1" "$(($(widest "$OUT") <= 100))"
if [[ $OUT == *$'\e['* ]]; then fail "no colour when stdout is not a terminal"; else pass "no colour when stdout is not a terminal"; fi

section "colour only on a terminal, never with NO_COLOR"
on_tty=$(script -qec "$BRIDGECTL explain web" /dev/null </dev/null || true)
if [[ $on_tty == *$'\e[31m'* || $on_tty == *$'\e[1m'* ]]; then pass "colour on a terminal"; else fail "colour on a terminal" "$on_tty"; fi
no_color=$(NO_COLOR=1 script -qec "$BRIDGECTL explain web" /dev/null </dev/null || true)
if [[ $no_color == *$'\e['* ]]; then fail "NO_COLOR: no colour on a terminal"; else pass "NO_COLOR: no colour on a terminal"; fi

section "scopes"
run bridgectl explain web
expect_eq "explain web exits 0" "0" "$RC"
expect_contains "web's containers" "$OUT" "┌┴─ db "
expect_not_contains "not data's containers" "$OUT" "cache"
run bridgectl explain api
expect_eq "explain api (a container) exits 0" "0" "$RC"
expect_contains "api on its network" "$OUT" "┌┴─ network web "
expect_contains "the other containers named" "$OUT" "also on it: db"
expect_not_contains "not another container's box" "$OUT" "┌┴─ db "
expect_error "an unknown scope names it" "nosuch" bridgectl explain nosuch
expect_error "a bad --format names it" "png" bridgectl explain --format png

section "drift is marked in every format"
ip link del "$api_veth"
drift="container api: veth $api_veth is missing from bridge $bridge"
run bridgectl explain
expect_contains "text: the veth shows as missing in the picture" "$OUT" "│ $api_veth ✗ missing"
expect_contains "text: doctor's sentence" "$OUT" "✗ $drift"
expect_eq "text: still fits 100 columns" "1" "$(($(widest "$OUT") <= 100))"
run bridgectl explain api
expect_contains "container scope: marked too" "$OUT" "✗ $drift"
run bridgectl explain --format dot
expect_contains "dot: the edge is marked missing" "$OUT" "$api_veth ✗ missing"
expect_contains "dot: in red" "$OUT" "color=red"
dot_text=$OUT
run bridgectl explain --format mermaid
expect_eq "mermaid starts with a flowchart header" "flowchart TB" "$(head -n1 <<<"$OUT")"
expect_contains "mermaid: the edge is marked missing" "$OUT" "$api_veth ✗ missing"
run bridgectl explain api --format mermaid
expect_match "mermaid: api (the only container drawn) is in the drift class" '^    class (.*,)?ctr0(,.*)? drift$' "$OUT"

if [[ ${BRIDGECTL_FIREWALL:-iptables} == iptables ]]; then
	section "a rule gone"
	{ echo '*nat'; iptables-save -t nat | grep -- '^-A BRIDGECTL-POSTROUTING .*net=web masquerade' | sed 's/^-A/-D/'; echo COMMIT; } |
		iptables-restore --noflush
	run bridgectl explain web
	expect_contains "the rule is listed as missing, in words" "$OUT" "✗ missing: masquerades 172.18.0.0/16 leaving through another interface"
	expect_contains "doctor's sentence in web's box" "$OUT" "✗ network web: rule 'bridgectl net=web masquerade' is missing from"
fi

section "Graphviz"
if command -v dot >/dev/null; then
	if dot -Tsvg >/dev/null 2>"$_LIB_TMP/dot-err" <<<"$dot_text"; then pass "dot accepts the dot output"; else fail "dot accepts the dot output" "$(cat "$_LIB_TMP/dot-err")"; fi
	run bridgectl explain --format svg
	expect_eq "svg exits 0" "0" "$RC"
	expect_contains "svg is an SVG" "$OUT" "<svg"
	expect_contains "svg carries the drift" "$OUT" "missing"
else
	echo "# Graphviz's dot is not installed: the dot and svg rendering checks are skipped"
	expect_error "svg without Graphviz names the package" "graphviz" bridgectl explain --format svg
fi

section "clean-up"
expect_ok "container rm -f api db cache" bridgectl container rm -f api db cache
expect_ok "network rm web data" bridgectl network rm web data
run bridgectl explain
expect_eq "explain on an empty host exits 0" "0" "$RC"

section "the nftables backend: its table in words"
export BRIDGECTL_FIREWALL=nftables
expect_ok "network web, ICC off (nftables)" bridgectl network create web -o com.docker.network.bridge.enable_icc=false
expect_ok "network data, internal (nftables)" bridgectl network create data --internal
expect_ok "api publishes 8080->80 (nftables)" bridgectl container create api --network web -p 8080:80
bridge=$(marked_link bridge net=web)
data_bridge=$(marked_link bridge net=data)
run bridgectl explain
expect_eq "explain exits 0" "0" "$RC"
expect_contains "web's rules under the command that lists them" "$OUT" "Rules for network web (nft list table ip bridgectl)"
expect_not_contains "no iptables heading" "$OUT" "iptables-save"
expect_contains "web's chain" "$OUT" "  chain forward-$bridge"
expect_contains "ICC off in words" "$OUT" "drops container-to-container traffic on $bridge because enable_icc=false"
expect_contains "the element leading to web's chain" "$OUT" "sends traffic from $bridge to chain forward-$bridge"
expect_contains "the published port's map element" "$OUT" "rewrites 0.0.0.0:8080/tcp to 172.18.0.2:80 (published by api)"
expect_contains "its accept element" "$OUT" "accepts traffic rewritten to 172.18.0.2:80/tcp (published by api)"
expect_contains "the internal network's element" "$OUT" "drops everything entering $data_bridge from elsewhere because data is internal"
expect_contains "the base chains" "$OUT" "Rules every bridgectl network goes through (nft list table ip bridgectl)"
expect_contains "a base chain's rule in words" "$OUT" "runs the user's own rules in chain user before any of bridgectl's"
expect_contains "a clean table has no drift" "$OUT" "no drift"
expect_eq "fits 100 columns" "1" "$(($(widest "$OUT") <= 100))"

section "the nftables backend: an element deleted with nft"
nft delete element ip bridgectl published-any-address '{ tcp . 8080 }'
run bridgectl explain
expect_contains "the element is listed as missing, in words" "$OUT" "✗ missing: rewrites 0.0.0.0:8080/tcp to 172.18.0.2:80 (published by api)"
expect_match "doctor's sentence in api's box" '^ +│ .*│ ✗ bridgectl: nftables: element tcp \.' "$OUT"
expect_contains "doctor's sentence in the drift list" "$OUT" "✗ bridgectl: nftables: element tcp . 8080 : 172.18.0.2 . 80 missing from map published-any-address"
run bridgectl explain --format dot
expect_contains "dot: the element marked missing" "$OUT" "✗ missing: map published-any-address: rewrites"
expect_contains "dot: in red" "$OUT" "color=red"
nft flush chain ip bridgectl "forward-$bridge"
run bridgectl explain web
expect_contains "web's rules listed as missing" "$OUT" "✗ missing: drops container-to-container traffic on $bridge"
expect_match "the chain's difference in web's box" '^   │ ✗ bridgectl: nftables: rules of chain forward-br-' "$OUT"
expect_ok "doctor --fix repairs the table" bridgectl doctor --fix
run bridgectl explain
expect_contains "no drift after the repair" "$OUT" "no drift"

section "the nftables backend: clean-up"
expect_ok "container rm -f api" bridgectl container rm -f api
expect_ok "network rm web data" bridgectl network rm web data
