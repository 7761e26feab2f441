#!/usr/bin/env bash
# The nftables backend's in-process netlink batch (issue #10, in progress): what the batch makes
# (table, chains, rules, sets, maps, elements) is what `nft -f` makes of the same ops' text, down
# to the kernel's expressions; shared setup and network creation are idempotent;
# publish/unpublish are element changes; a refused batch applies nothing and names the op;
# teardown leaves no table. Packets through this layout are the next step's test.
source "$(dirname "$0")/lib.sh"
require_bridgectl
command -v nft >/dev/null || skip "needs nft (scripts/install-deps)"
probe=$(dirname "$BRIDGECTL")/nft-batch-probe
[[ -x $probe ]] || skip "no nft-batch-probe next to $BRIDGECTL (built with it by swift build)"

listing() { nft list table ip bridgectl 2>&1; }
# The listing with every set element on a line of its own, sorted: the order nft lists the
# elements of an interval set in is the kernel's walk, not part of what was made.
normalized() { listing | tr ',{}' '\n\n\n' | sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | grep -v '^$' | sort; }
# The kernel's own view: every rule's expressions and every element's bytes, sorted likewise.
bytecode() { nft --debug=netlink list table ip bridgectl 2>&1 | sort; }

# Every step of a scenario, first in-process, then through `nft -f` of the printed ops: the two
# tables must be listed identically.
steps=(
	"skeleton"
	"network web br-web 172.18.0.0/16"
	"network db br-db 172.19.16.0/20"
	"network odd br-odd 172.20.16.0/20"
	"publish api 172.18.0.2 0.0.0.0 8080 80 tcp"
	"publish dns 172.18.0.3 127.0.0.1 5353 53 udp"
	"publish range 172.18.0.4 0.0.0.0 20000-20009 20000-20009 tcp"
	"publish shifted 172.18.0.5 10.0.0.5 21000-21002 80-82 tcp"
	"unpublish dns 172.18.0.3 127.0.0.1 5353 53 udp"
	"remove-network db br-db 172.19.16.0/20"
)

section "in-process batches"
for step in "${steps[@]}"; do
	# shellcheck disable=SC2086
	expect_ok "probe $step" "$probe" $step
done
in_process=$(listing)
in_process_normalized=$(normalized)
in_process_bytecode=$(bytecode)
expect_contains "the interface set holds the bridge, with its owner" "$in_process" '"br-web" comment "bridgectl net=web"'
expect_contains "the verdict map jumps to the network's chain" "$in_process" '"br-web" comment "bridgectl net=web" : jump forward-br-web'
expect_contains "a port on every address is keyed by protocol and port" "$in_process" \
	'tcp . 8080 comment "bridgectl container=api publish 0.0.0.0:8080->80/tcp" : 172.18.0.2 . 80'
expect_contains "a range keeping its ports is one element" "$in_process" \
	'0.0.0.0/0 . tcp . 20000-20009 comment "bridgectl container=range publish 0.0.0.0:20000-20009->20000-20009/tcp" : 172.18.0.4'
expect_contains "a shifted range is one element per port" "$in_process" '10.0.0.5 . tcp . 21002 comment'
expect_contains "the accept side is the container's port range" "$in_process" '172.18.0.5 . tcp . 80-82 comment "bridgectl container=shifted published"'
expect_not_contains "unpublished: no element left" "$in_process" '172.18.0.3'
expect_not_contains "a removed network: no element left" "$in_process" 'br-db'
expect_contains "the forward base chain at priority filter" "$in_process" 'type filter hook forward priority filter; policy accept;'
expect_contains "prerouting at dstnat" "$in_process" 'type nat hook prerouting priority dstnat; policy accept;'
expect_contains "rules carry their owner's comment" "$in_process" 'oifname @bridges drop comment "bridgectl net=web isolated from other networks"'
expect_contains "the DNAT rule with its anonymous protocol set" "$in_process" \
	'fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto { tcp, udp } dnat ip to meta l4proto . th dport map @published-any-address comment "bridgectl published ports (every address)"'

section "the same ops through nft -f"
expect_ok "probe teardown" "$probe" teardown
expect_eq "no table left" "" "$(nft list tables ip | grep bridgectl || true)"
for step in "${steps[@]}"; do
	# shellcheck disable=SC2086
	"$probe" --print $step 2>/dev/null >"$_LIB_TMP/ops.nft"
	expect_ok "nft -f of $step" nft -f "$_LIB_TMP/ops.nft"
done
expect_eq "nft -f made the same table as the in-process batches" "$in_process_normalized" "$(normalized)"
expect_eq "down to the kernel's expressions and element bytes" "$in_process_bytecode" "$(bytecode)"

section "idempotent creation, element-only publishing"
expect_ok "setup again" "$probe" skeleton
expect_ok "the same network again" "$probe" network web br-web 172.18.0.0/16
expect_ok "the same publish again" "$probe" publish api 172.18.0.2 0.0.0.0 8080 80 tcp
expect_eq "nothing changed" "$in_process_normalized" "$(normalized)"

section "a refused batch applies nothing"
# The accept element is the batch's first delete, the DNAT element its second: with the port
# element gone, the batch is refused and the accept element must still be there.
nft delete element ip bridgectl published-any-address '{ tcp . 8080 }'
expect_error "unpublishing a missing element names it" "published-any-address { tcp . 8080 }" \
	"$probe" unpublish api 172.18.0.2 0.0.0.0 8080 80 tcp
expect_contains "the batch's first op was not applied" "$(listing)" '172.18.0.2 . tcp . 80 comment'

section "teardown"
expect_ok "teardown deletes the table" "$probe" teardown
expect_eq "no table left" "" "$(nft list tables ip | grep bridgectl || true)"
