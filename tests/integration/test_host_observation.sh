#!/usr/bin/env bash
# What bridgectl leaves for reading the host back: --dry-run writes nothing anywhere, even on a
# fresh host with no state root yet; bridges and host-side veths carry bridgectl's mark (an
# interface alias) so that only what bridgectl made is ever called an orphan.
source "$(dirname "$0")/lib.sh"
require_bridgectl

section "--dry-run on a fresh host creates nothing, not even the state root"
fresh=$_LIB_TMP/fresh-root
ls_run_bridgectl() { find /run/bridgectl 2>/dev/null | sort || true; }
run_before=$(ls_run_bridgectl)
etc_before=$(find /etc/netns 2>/dev/null | sort || true)
expect_ok "network create x --dry-run" env BRIDGECTL_ROOT="$fresh" bridgectl network create x --dry-run
expect_match "prints the plan: the bridge" '^ip link add name br-[0-9a-f]{12} mtu 1500 address [0-9a-f:]+ type bridge$' "$OUT"
expect_contains "prints the plan: its mark" "$OUT" "alias 'bridgectl net=x'"
expect_contains "prints the plan: its rules" "$OUT" 'bridgectl net=x masquerade'
if [[ -e $fresh ]]; then fail "the state root still does not exist" "$(find "$fresh")"; else pass "the state root still does not exist"; fi
expect_ok "container create c --dry-run" env BRIDGECTL_ROOT="$fresh" bridgectl container create c --dry-run
expect_contains "prints the plan: the namespace" "$OUT" "ip netns add c"
expect_contains "prints the plan: the default bridge made on first use" "$OUT" "type bridge"
expect_contains "prints the plan: the veth's mark" "$OUT" "alias 'bridgectl container=c'"
expect_contains "prints the plan: the files" "$OUT" "/etc/netns/c/hosts"
expect_ok "container create c2 -p 8080:80 --dry-run" env BRIDGECTL_ROOT="$fresh" bridgectl container create c2 -p 8080:80 --dry-run
expect_contains "prints the plan: the published port" "$OUT" "--dport 8080"
if [[ -e $fresh ]]; then fail "the state root still does not exist after container create" "$(find "$fresh")"; else pass "the state root still does not exist after container create"; fi
expect_eq "/run/bridgectl is untouched" "$run_before" "$(ls_run_bridgectl)"
expect_eq "/etc/netns is untouched" "$etc_before" "$(find /etc/netns 2>/dev/null | sort || true)"
expect_eq "no namespace was made" "" "$(netns_names)"
expect_eq "no bridge was made" "" "$(ip -o link show type bridge)"

section "--dry-run on an existing state root changes no file in it"
expect_ok "network create web" bridgectl network create web
web_id=$OUT
web_br=br-${web_id:0:12}
listing() { find "$BRIDGECTL_ROOT" -printf '%p %s %T@\n' | sort; }
before=$(listing)
expect_ok "network rm web --dry-run" bridgectl network rm web --dry-run
expect_ok "container create c --network web --dry-run" bridgectl container create c --network web --dry-run
expect_ok "network create other --dry-run" bridgectl network create other --dry-run
expect_eq "the state root is byte for byte the same" "$before" "$(listing)"

section "bridges and host-side veths carry bridgectl's mark"
expect_ok "container create api --network web" bridgectl container create api --network web
api_id=$OUT
api_veth=veth${api_id:0:7}0
expect_contains "ip -d link show $web_br shows its mark" "$(ip -d link show dev "$web_br")" "alias bridgectl net=web"
expect_contains "ip -d link show $api_veth shows its mark" "$(ip -d link show dev "$api_veth")" "alias bridgectl container=api"
expect_ok "container create d1 (default bridge)" bridgectl container create d1
d1_id=$OUT
expect_contains "the default bridge is marked as network bridge" "$(ip -d link show dev bridgectl0)" "alias bridgectl net=bridge"
expect_contains "its veth is marked too" "$(ip -d link show dev "veth${d1_id:0:7}0")" "alias bridgectl container=d1"
expect_ok "container create multi --network web --network bridge" bridgectl container create multi --network web --network bridge
multi_id=$OUT
expect_ok "network connect: the new veth is marked" bridgectl network create side
expect_ok "network connect side multi" bridgectl network connect side multi
expect_contains "a veth made by connect is marked" "$(ip -d link show dev "veth${multi_id:0:7}2")" "alias bridgectl container=multi"

expect_ok "rm -f api d1 multi" bridgectl container rm -f api d1 multi
expect_ok "network rm web side" bridgectl network rm web side
