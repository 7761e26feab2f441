#!/usr/bin/env bash
# Choosing the firewall backend (issue #10): iptables by default; `--firewall nftables` (before or
# after the subcommand) or BRIDGECTL_FIREWALL=nftables when the first network is activated, then
# kept in the state root's settings.json; asking for the other backend while networks are
# active is refused with one error naming both; a host whose iptables FORWARD policy is DROP
# refuses nftables mode and keeps nothing; `--dry-run` prints nft commands that `nft -f` takes.
# The firewall's behaviour on each backend is test_firewall's (run on both).
source "$(dirname "$0")/lib.sh"
require_bridgectl
command -v nft >/dev/null || skip "needs nft (scripts/install-deps)"
unset BRIDGECTL_FIREWALL

settings=$BRIDGECTL_ROOT/settings.json
has_table() { nft list tables | grep -qx 'table ip bridgectl'; }
no_table() { ! has_table; }
iptables_of_bridgectl() { iptables-save | grep -E 'BRIDGECTL|"bridgectl ' || true; }
settings_text() { cat "$settings" 2>/dev/null || echo "<no settings.json>"; }

# nft_commands FILE : the nft commands of a --dry-run output, one per line, as `nft -f` reads
# them: the arguments of each `nft '...'` command, unquoted by the shell's own rules (a command
# may span lines inside its quotes).
nft_commands() {
	python3 -c '
import shlex, sys
pending = ""
for line in open(sys.argv[1]):
    pending += line
    try:
        words = shlex.split(pending, comments=False)
    except ValueError:
        continue  # an open quote: the command goes on on the next line
    pending = ""
    if words and words[0] == "nft":
        print(" ".join(words[1:]))
if pending:
    sys.exit("unterminated quote in: " + pending[:200])
' "$1"
}

section "iptables FORWARD policy DROP (a Docker engine sets it): nftables mode is refused"
world=$(settled_world_snapshot)
iptables -P FORWARD DROP
expect_error "network create in nftables mode is refused" "FORWARD policy is DROP" \
	bridgectl --firewall nftables network create dropped
expect_contains "... and the error says it is about iptables' FORWARD chain" "$ERR" "FORWARD"
expect_world "the refused create left no link, namespace or state entry" "$world"
expect_eq "... no nftables table" "" "$(nft list tables | grep -w bridgectl || true)"
expect_eq "... no iptables rule" "" "$(iptables_of_bridgectl)"
expect_eq "... and did not fix the backend in settings.json" "<no settings.json>" "$(settings_text)"
expect_error "the same through BRIDGECTL_FIREWALL=nftables" "FORWARD policy is DROP" \
	env BRIDGECTL_FIREWALL=nftables bridgectl network create dropped
expect_world "... which left nothing either" "$world"
expect_eq "the policy is left to the user" "-P FORWARD DROP" "$(iptables -S FORWARD | head -n1)"
iptables -P FORWARD ACCEPT
expect_ok "with the policy back to ACCEPT, nftables mode works" bridgectl --firewall nftables network create dropped
if has_table; then pass "table ip bridgectl exists"; else fail "table ip bridgectl exists" "$(nft list tables)"; fi
expect_ok "network rm dropped" bridgectl network rm dropped
if no_table; then pass "the last network's removal deleted the table"; else fail "the last network's removal deleted the table" "$(nft list tables)"; fi

section "a host with no iptables table at all: nftables mode adds only its own table, and takes it away"
nft delete table ip filter
expect_eq "the ruleset is empty" "" "$(nft -s list ruleset)"
expect_ok "network create (the kept backend)" bridgectl network create pristine
expect_eq "the only table is bridgectl's (reading the FORWARD policy made no iptables table)" \
	"table ip bridgectl" "$(nft list tables)"
expect_ok "network rm pristine" bridgectl network rm pristine
expect_eq "the ruleset is empty again" "" "$(nft -s list ruleset)"

section "--dry-run in nftables mode prints nft commands that nft -f accepts"
world=$(settled_world_snapshot)
expect_ok "--dry-run network create" bridgectl --firewall nftables network create --dry-run --subnet 10.77.0.0/16 dry
dry=$OUT
printf '%s\n' "$dry" >"$_LIB_TMP/dry.sh"
expect_match "it prints nft '...' commands" "^nft '" "$dry"
expect_no_match "... and no iptables command" '^iptables' "$dry"
expect_world "a dry run changes nothing" "$world"
if no_table; then pass "... not even the nftables table"; else fail "... not even the nftables table" "$(nft list tables)"; fi
nft_commands "$_LIB_TMP/dry.sh" >"$_LIB_TMP/dry.nft"
expect_ne "the nft commands could be read back" "" "$(cat "$_LIB_TMP/dry.nft")"
expect_ok "nft -f takes them" nft -f "$_LIB_TMP/dry.nft"
expect_contains "... and they make the network's part of the table" "$(nft list table ip bridgectl 2>&1)" 'comment "bridgectl net=dry'
expect_ok "the dry run's table deleted by hand" nft delete table ip bridgectl
# As test_network_lifecycle does for iptables: the whole plan, run by hand in a scratch netns as
# fresh as this host, builds the bridge and the table.
expect_ok "the dry-run lines run cleanly as a script in a scratch netns" \
	unshare --net bash -euo pipefail -c "ip link set lo up; $dry; ip -o -4 addr show; nft list table ip bridgectl"
expect_match "... making the bridge with its gateway" 'inet 10\.77\.0\.1/16 .*scope global br-' "$OUT"
expect_contains "... and the network's part of the table" "$OUT" 'comment "bridgectl net=dry'
expect_ok "the real create after the dry run" bridgectl --firewall nftables network create --subnet 10.77.0.0/16 dry
expect_ok "--dry-run container create -p" bridgectl container create --dry-run web --network dry -p 8080:80
printf '%s\n' "$OUT" >"$_LIB_TMP/dry-container.sh"
expect_match "it prints nft '...' commands" "^nft '" "$OUT"
expect_no_match "... and no iptables command" '^iptables' "$OUT"
nft_commands "$_LIB_TMP/dry-container.sh" >"$_LIB_TMP/dry-container.nft"
expect_contains "... adding the port's elements" "$(cat "$_LIB_TMP/dry-container.nft")" "element"
expect_ok "nft -c -f (check only) takes them against the real table" nft -c -f "$_LIB_TMP/dry-container.nft"
expect_eq "the dry run published nothing" "" "$(nft list table ip bridgectl | grep -F 'container=web ' || true)"

section "the backend is chosen once and kept in settings.json"
expect_contains "settings.json names nftables" "$(settings_text)" "nftables"
expect_eq "nftables mode wrote nothing into iptables" "" "$(iptables_of_bridgectl)"
expect_ok "a second network, no flag: the kept backend" bridgectl network create kept
expect_contains "... in the nftables table" "$(nft list table ip bridgectl)" 'comment "bridgectl net=kept'
expect_eq "... and not in iptables" "" "$(iptables_of_bridgectl)"
expect_ok "--firewall after the subcommand, same backend" bridgectl network create --firewall nftables after
expect_ok "BRIDGECTL_FIREWALL=nftables, same backend" env BRIDGECTL_FIREWALL=nftables bridgectl network create envsame
world=$(settled_world_snapshot)
expect_error "switching to iptables while networks are active is refused" "iptables" \
	bridgectl --firewall iptables network create other
expect_contains "... naming both backends" "$ERR" "nftables"
expect_error "the same through BRIDGECTL_FIREWALL=iptables" "iptables" \
	env BRIDGECTL_FIREWALL=iptables bridgectl network create other
expect_world "the refused switches left nothing behind" "$world"
expect_eq "... nor an iptables rule" "" "$(iptables_of_bridgectl)"
expect_contains "... and settings.json still names nftables" "$(settings_text)" "nftables"
expect_error "an unknown backend is refused, named" "pf" bridgectl --firewall pf network create other
expect_world "... leaving nothing either" "$world"
expect_ok "network rm every network" bridgectl network rm dry kept after envsame
if no_table; then pass "no network left: no table"; else fail "no network left: no table" "$(nft list ruleset)"; fi
expect_ok "with no network active, switching back to iptables is allowed" bridgectl --firewall iptables network create back
expect_ne "... the iptables rules are there" "" "$(iptables_of_bridgectl)"
if no_table; then pass "... and no nftables table"; else fail "... and no nftables table" "$(nft list ruleset)"; fi
expect_contains "settings.json names iptables now" "$(settings_text)" "iptables"
expect_not_contains "... and no longer nftables" "$(settings_text)" "nftables"
expect_error "switching to nftables while an iptables network is active is refused" "nftables" \
	bridgectl --firewall nftables network create other
expect_contains "... naming both backends" "$ERR" "iptables"
expect_ok "network rm back" bridgectl network rm back
expect_no_firewall_leftovers "nothing of bridgectl's is left in iptables or nftables"
