#!/usr/bin/env bash
# The nftables backend's read path (issue #10, in progress): NftTableReader reads table
# ip bridgectl back (chains, rules by their comments, elements decoded into bridgectl's own key
# and data types) exactly as NftObservation.expected(from:) folds the same ops; damage done with
# the nft CLI is named by the differences, one line each, and the user chain's rules never are;
# the iptables-nft FORWARD policy is seen; a read next to 1000 published ports is timed (printed,
# not asserted).
source "$(dirname "$0")/lib.sh"
require_bridgectl
command -v nft >/dev/null || skip "needs nft (scripts/install-deps)"
probe=$(dirname "$BRIDGECTL")/nft-batch-probe
[[ -x $probe ]] || skip "no nft-batch-probe next to $BRIDGECTL (built with it by swift build)"

steps=(
	"skeleton"
	"network a br-a 172.18.0.0/16"
	"network b br-b 172.19.0.0/16 icc-off internal"
	"publish api 172.18.0.2 0.0.0.0 8080 80 tcp"
	"publish dns 172.18.0.3 127.0.0.1 5353 53 udp"
	"publish range 172.18.0.4 0.0.0.0 20000-20009 20000-20009 tcp"
	"publish shifted 172.18.0.5 0.0.0.0 21000-21002 80-82 tcp"
)
differences() { "$probe" differences "${steps[@]}" 2>&1; }

section "no table"
expect_eq "a host without the table reads as none" "no table ip bridgectl" "$("$probe" read 2>&1)"
expect_eq "and the user chain has no rules" "0" "$("$probe" rule-count user 2>&1)"

section "the table read is the table expected from the same ops"
for step in "${steps[@]}"; do
	# shellcheck disable=SC2086
	expect_ok "probe $step" "$probe" $step
done
expected=$("$probe" expected "${steps[@]}" 2>&1)
read_back=$("$probe" read 2>&1)
echo "# expected from the ops:"
printf '%s\n' "$expected" | sed 's/^/#   /'
echo "# read from the kernel:"
printf '%s\n' "$read_back" | sed 's/^/#   /'
expect_eq "read equals expected(from:)" "$expected" "$read_back"
expect_contains "every address reads back from the whole address range" "$read_back" \
	"element 0.0.0.0/0 . tcp . 20000-20009 : 172.18.0.4"
expect_contains "a verdict map's jump reads back" "$read_back" 'element "br-b" : jump forward-br-b'
expect_contains "a rule reads back as its comment" "$read_back" 'rule "bridgectl net=b icc off"'
expect_eq "no differences" "" "$(differences)"

section "damage done with nft is named, exactly"
expect_ok "nft delete element" nft delete element ip bridgectl published-any-address '{ tcp . 8080 }'
handle=$(nft -a list chain ip bridgectl forward-br-a | sed -n 's/.*comment "bridgectl net=a outbound" # handle \([0-9]*\)$/\1/p')
expect_match "the outbound rule has a handle" '^[0-9]+$' "$handle"
expect_ok "nft delete rule by handle" nft delete rule ip bridgectl forward-br-a handle "$handle"
expect_ok "nft add a foreign element" nft add element ip bridgectl bridges '{ "br-evil" }'
expect_ok "nft add a rule to the user chain" nft add rule ip bridgectl user ip saddr 10.9.9.9 drop comment '"mine"'
expect_contains "a comment nft wrote reads back" "$("$probe" read 2>&1)" $'chain user\n  rule "mine"'
expect_eq "the differences name the three changes to bridgectl's objects, not the user's rule" \
	'nftables: rules of chain forward-br-a differ: missing "bridgectl net=a outbound"
nftables: element "br-evil" in set bridges is not bridgectl'"'"'s
nftables: element tcp . 8080 : 172.18.0.2 . 80 missing from map published-any-address' "$(differences)"
expect_eq "the user chain's rule is counted" "1" "$("$probe" rule-count user 2>&1)"
expect_eq "ruleCount of one chain" "2" "$("$probe" rule-count forward-br-a 2>&1)"

section "objects that are not bridgectl's"
expect_ok "nft add chain" nft add chain ip bridgectl mine
expect_ok "nft add set" nft add set ip bridgectl mine-set '{ type ipv4_addr; }'
expect_ok "nft add a range of no bridgectl form" nft add element ip bridgectl published-accept-ranges '{ 10.0.0.0/8 . tcp . 80 }'
expect_ok "nft add a single value to an interval set" nft add element ip bridgectl published-accept-ranges '{ 172.18.0.9 . tcp . 80 }'
found=$(differences)
expect_contains "the single value reads back as nft wrote it" "$found" \
	"nftables: element 172.18.0.9 . tcp . 80 in set published-accept-ranges is not bridgectl's"
expect_contains "a foreign chain" "$found" "nftables: chain mine is not bridgectl's"
expect_contains "a foreign set" "$found" "nftables: set mine-set is not bridgectl's"
expect_contains "an element of no bridgectl form is counted" "$found" \
	"nftables: 1 element in set published-accept-ranges fits none of bridgectl's forms"

section "sending the ops again restores what was missing; the foreign stays"
for step in "${steps[@]}"; do
	# shellcheck disable=SC2086
	expect_ok "probe $step again" "$probe" $step
done
found=$(differences)
expect_not_contains "the rule is back" "$found" "forward-br-a"
expect_not_contains "the element is back" "$found" "missing"
expect_eq "only what bridgectl did not make is left" \
	"nftables: chain mine is not bridgectl's
nftables: element \"br-evil\" in set bridges is not bridgectl's
nftables: set mine-set is not bridgectl's
nftables: element 172.18.0.9 . tcp . 80 in set published-accept-ranges is not bridgectl's
nftables: 1 element in set published-accept-ranges fits none of bridgectl's forms" "$found"

section "iptables-nft's FORWARD policy"
expect_eq "no ip filter table: not drop" "false" "$("$probe" forward-policy-drop 2>&1)"
expect_ok "iptables -P FORWARD DROP (in this throwaway host)" iptables -P FORWARD DROP
expect_eq "policy drop is seen" "true" "$("$probe" forward-policy-drop 2>&1)"
expect_ok "iptables -P FORWARD ACCEPT" iptables -P FORWARD ACCEPT
expect_eq "policy accept is not drop" "false" "$("$probe" forward-policy-drop 2>&1)"

section "a read next to 1000 published ports"
expect_ok "teardown" "$probe" teardown
expect_ok "skeleton" "$probe" skeleton
expect_ok "1000 containers each publishing a port" "$probe" fill 1000
run "$probe" time-read
expect_contains "the read sees every element (1000 DNAT, 1000 accept)" "$OUT" "with 2000 elements"
echo "# $OUT"
