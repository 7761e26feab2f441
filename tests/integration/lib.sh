# shellcheck shell=bash
# Sourced by every tests/integration/test_*.sh. run.sh starts each test in its own throwaway host
# (scripts/lib/throwaway-host.sh), so a test may create any kernel object it likes: the kernel
# removes it all when the test ends. What this file adds:
#   * `bridgectl` on PATH (a symlink to $BRIDGECTL), so it also works under timeout, xargs, `&`;
#   * soft assertions (expect_*): a failed check is recorded and the test goes on, so one run shows
#     every broken behaviour; the test's exit status says whether any check failed;
#   * world snapshots, to prove that a failed command left nothing behind;
#   * a leftovers check that runs automatically when a test body ends normally: the test must have
#     removed everything with bridgectl itself, and bridgectl must not have left a link, namespace,
#     /etc/netns entry or state record behind.
# Exit statuses: 0 pass, 1 a check failed, 77 skipped (reason on a `SKIP-REASON: ` line).

set -Eeuo pipefail

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$TESTS_DIR/../.." && pwd)
# shellcheck source=../../scripts/lib/throwaway-host.sh
source "$REPO/scripts/lib/throwaway-host.sh"

# The guard comes before anything else: a test run by hand on the real host stops here.
assert_not_initial_netns
if [[ ${THROWAWAY_HOST:-} != 1 ]]; then
	echo "refusing to go on: run this test through tests/integration/run.sh (it needs a throwaway host)" >&2
	exit 2
fi

BRIDGECTL=${BRIDGECTL:-$REPO/.build/release/bridgectl}
_LIB_TMP=$(mktemp -d /run/bridgectl-test.XXXXXX)
mkdir -p "$_LIB_TMP/bin"
ln -s "$BRIDGECTL" "$_LIB_TMP/bin/bridgectl"
export PATH="$_LIB_TMP/bin:$PATH"
# bridgectl's own guard: with this set it refuses to run in the initial network namespace.
export BRIDGECTL_REQUIRE_THROWAWAY=1

FAILURES=()
_CHECKS=0
_SKIPPED=0
_LEFTOVERS_CHECKED=0
_BG_PIDS=()
OUT=
ERR=
RC=0

# ---------------------------------------------------------------------------------------------
# Reporting

pass() {
	_CHECKS=$((_CHECKS + 1))
	echo "ok - $1"
}

# fail DESC [DETAIL-LINE...]
fail() {
	_CHECKS=$((_CHECKS + 1))
	FAILURES+=("$1")
	echo "not ok - $1"
	shift
	local line
	for line in "$@"; do
		printf '%s\n' "$line" | sed 's/^/    | /'
	done
}

skip() {
	_SKIPPED=1
	echo "SKIP-REASON: $*"
	exit 77
}

# Hard stop for a test that cannot go on meaningfully (its failure is recorded first).
die() {
	fail "$@"
	exit 1
}

section() {
	echo
	echo "# $*"
}

# ---------------------------------------------------------------------------------------------
# Running commands

# run CMD... : runs CMD, never aborts; sets OUT, ERR (trailing newlines stripped) and RC.
run() {
	RC=0
	"$@" >"$_LIB_TMP/out" 2>"$_LIB_TMP/err" </dev/null || RC=$?
	OUT=$(<"$_LIB_TMP/out")
	ERR=$(<"$_LIB_TMP/err")
}

_cmd_text() {
	local q
	printf -v q '%q ' "$@"
	printf '%s' "${q% }"
}

# expect_ok DESC CMD...
expect_ok() {
	local desc=$1
	shift
	run "$@"
	if [[ $RC -eq 0 ]]; then
		pass "$desc"
	else
		fail "$desc" "command: $(_cmd_text "$@")" "exit status: $RC" "stdout: $OUT" "stderr: $ERR"
	fi
}

# expect_fail DESC CMD...  (any non-zero status)
expect_fail() {
	local desc=$1
	shift
	run "$@"
	if [[ $RC -ne 0 ]]; then
		pass "$desc"
	else
		fail "$desc" "command: $(_cmd_text "$@")" "expected a non-zero exit status, got 0" "stdout: $OUT" "stderr: $ERR"
	fi
}

# expect_status DESC STATUS CMD...
expect_status() {
	local desc=$1 want=$2
	shift 2
	run "$@"
	if [[ $RC -eq $want ]]; then
		pass "$desc"
	else
		fail "$desc" "command: $(_cmd_text "$@")" "exit status: $RC, expected $want" "stdout: $OUT" "stderr: $ERR"
	fi
}

# expect_error DESC BAD-VALUE CMD... : the contract for every failure -- non-zero status and
# exactly one stderr line, starting with `Error: ` and naming the offending value.
expect_error() {
	local desc=$1 value=$2
	shift 2
	run "$@"
	local problems=() nlines
	[[ $RC -ne 0 ]] || problems+=("exit status 0, expected non-zero")
	nlines=$(printf '%s' "$ERR" | grep -c '' || true)
	[[ $nlines -eq 1 ]] || problems+=("stderr has $nlines lines, expected exactly 1")
	[[ $ERR == "Error: "* ]] || problems+=("stderr does not start with 'Error: '")
	[[ $ERR == *"$value"* ]] || problems+=("stderr does not name '$value'")
	if [[ ${#problems[@]} -eq 0 ]]; then
		pass "$desc"
	else
		fail "$desc" "command: $(_cmd_text "$@")" "${problems[@]}" "exit status: $RC" "stdout: $OUT" "stderr: $ERR"
	fi
}

expect_eq() {
	local desc=$1 want=$2 got=$3
	if [[ $got == "$want" ]]; then
		pass "$desc"
	else
		fail "$desc" "expected: $want" "got:      $got"
	fi
}

expect_ne() {
	local desc=$1 unwanted=$2 got=$3
	if [[ $got != "$unwanted" ]]; then
		pass "$desc"
	else
		fail "$desc" "expected anything but: $unwanted"
	fi
}

# expect_contains DESC HAYSTACK NEEDLE (plain substring)
expect_contains() {
	local desc=$1 hay=$2 needle=$3
	if [[ $hay == *"$needle"* ]]; then
		pass "$desc"
	else
		fail "$desc" "expected to contain: $needle" "in: $hay"
	fi
}

expect_not_contains() {
	local desc=$1 hay=$2 needle=$3
	if [[ $hay != *"$needle"* ]]; then
		pass "$desc"
	else
		fail "$desc" "expected NOT to contain: $needle" "in: $hay"
	fi
}

# expect_match DESC ERE TEXT : some line of TEXT matches the extended regex.
expect_match() {
	local desc=$1 re=$2 text=$3
	if printf '%s\n' "$text" | grep -Eq -- "$re"; then
		pass "$desc"
	else
		fail "$desc" "expected a line matching: $re" "in: $text"
	fi
}

expect_no_match() {
	local desc=$1 re=$2 text=$3
	if ! printf '%s\n' "$text" | grep -Eq -- "$re"; then
		pass "$desc"
	else
		fail "$desc" "expected no line matching: $re" "in: $text"
	fi
}

# wait_until SECONDS CMD... : polls CMD every 0.1 s; status 0 as soon as it succeeds.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	while true; do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		if [[ $SECONDS -ge $deadline ]]; then
			return 1
		fi
		sleep 0.1
	done
}

require_bridgectl() {
	if [[ ! -x $BRIDGECTL ]]; then
		die "bridgectl binary is executable" "not found or not executable: $BRIDGECTL (set BRIDGECTL or build it)"
	fi
}

# ---------------------------------------------------------------------------------------------
# Background processes: only PIDs started here are ever signalled.

# start_bg CMD... : sets BG_PID.
start_bg() {
	"$@" </dev/null &
	BG_PID=$!
	_BG_PIDS+=("$BG_PID")
}

stop_bg() {
	local pid=$1
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------------------------------------
# JSON (python3 is always installed by scripts/test)

# json_get JSON EXPR : prints d<EXPR> when EXPR starts with [ or ., else the Python expression EXPR
# over the document d (e.g. 'len(d[0]["Containers"])'); strings raw, everything else as JSON;
# status 1 if a key is missing.
json_get() {
	python3 -c '
import json, sys
try:
    d = json.loads(sys.argv[1])
    e = sys.argv[2]
    v = eval("d" + e if e[:1] in "[." else e, {"d": d})
except Exception as e:
    print("json_get %s: %s: %s" % (sys.argv[2], type(e).__name__, e), file=sys.stderr)
    sys.exit(1)
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))
' "$1" "$2"
}

# expect_json DESC JSON EXPR EXPECTED
expect_json() {
	local desc=$1 json=$2 expr=$3 want=$4 got
	if got=$(json_get "$json" "$expr" 2>&1); then
		expect_eq "$desc" "$want" "$got"
	else
		fail "$desc" "$got" "json: ${json:0:2000}"
	fi
}

# ---------------------------------------------------------------------------------------------
# Kernel facts

# Interface names of a netns (default: this host), without the @peer suffix, sorted.
# shellcheck disable=SC2120 # the netns argument is optional
link_names() {
	local ns=${1-}
	if [[ -n $ns ]]; then
		ip -n "$ns" -o link show
	else
		ip -o link show
	fi | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort
}

# IPv4 CIDRs on DEV (in netns NS if given), one per line.
addr4() {
	local dev=$1 ns=${2-}
	if [[ -n $ns ]]; then
		ip -n "$ns" -o -4 addr show dev "$dev"
	else
		ip -o -4 addr show dev "$dev"
	fi | awk '{ print $4 }'
}

# Status 0 if DEV (in NS if given) has the UP flag set administratively.
link_is_up() {
	local dev=$1 ns=${2-} line
	if [[ -n $ns ]]; then
		line=$(ip -n "$ns" -o link show dev "$dev")
	else
		line=$(ip -o link show dev "$dev")
	fi
	[[ $line =~ [\<,]UP[,\>] ]]
}

link_exists() {
	local dev=$1 ns=${2-}
	if [[ -n $ns ]]; then
		ip -n "$ns" link show dev "$dev" >/dev/null 2>&1
	else
		ip link show dev "$dev" >/dev/null 2>&1
	fi
}

link_absent() {
	! link_exists "$@"
}

# Status 0 when no host link is named after this container ID (veth<7 hex><index>).
_no_veth_of() {
	! ip -o link show | grep -qE ": veth${1:0:7}[0-9]+[@:]"
}

netns_names() {
	ip netns list | awk '{ print $1 }' | sort
}

# Docker's MAC for an IPv4 address: 02:42 followed by the four address bytes.
mac_for_ip() {
	local a b c d
	IFS=. read -r a b c d <<<"$1"
	printf '02:42:%02x:%02x:%02x:%02x\n' "$a" "$b" "$c" "$d"
}

# ---------------------------------------------------------------------------------------------
# The firewall, whichever backend this run uses. run.sh runs a test that declares
# `# firewall backends: iptables nftables` once per backend, with BRIDGECTL_FIREWALL set for the
# second run; these helpers let one test body check both. What they read:
#   iptables  bridgectl's chains in iptables-save (BRIDGECTL-*, comments "bridgectl ...");
#   nftables  table `ip bridgectl`, where every rule and set/map element carries its comment.

FIREWALL=${BRIDGECTL_FIREWALL:-iptables}
case $FIREWALL in
iptables) ;;
nftables) command -v nft >/dev/null || skip "the nftables backend needs nft (scripts/install-deps)" ;;
*)
	echo "BRIDGECTL_FIREWALL=$FIREWALL: expected iptables or nftables" >&2
	exit 2
	;;
esac

# iptables-save without its comment lines and counters: comparable before and after.
iptables_dump() {
	iptables-save | grep -v '^#' | sed -E 's/\[[0-9]+:[0-9]+\]//'
}

# The whole host's packet filter as comparable text: iptables-save's view and nft's (stateless,
# so counters never differ). With iptables-nft the second repeats the first in nft syntax, and
# adds every table iptables does not show, bridgectl's own included. Only for the nftables
# backend: after the iptables backend, iptables-nft keeps the empty built-in base chains it
# registered (nat PREROUTING, OUTPUT), which iptables-save shows either way.
host_ruleset() {
	iptables_dump
	if command -v nft >/dev/null; then
		nft -s list ruleset
	fi
}

# bridgectl's part of the firewall in this backend's own words.
firewall_dump() {
	if [[ $FIREWALL == nftables ]]; then
		nft list table ip bridgectl 2>/dev/null || true
	else
		iptables_dump
	fi
}

# firewall_owned_by OWNER : every rule or set/map element whose comment starts with
# "bridgectl OWNER" (e.g. "container=r3 ", "net=web "), one per line; empty if none.
firewall_owned_by() {
	if [[ $FIREWALL == nftables ]]; then
		# A set's elements share one `elements = { a, b }` list: one line each.
		firewall_dump | tr ',{}' '\n\n\n' | sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | grep -F -- "comment \"bridgectl $1" || true
	else
		iptables_dump | grep -F -- "--comment \"bridgectl $1" || true
	fi
}

# firewall_count_owned_by OWNER : how many rules/elements firewall_owned_by finds.
firewall_count_owned_by() {
	firewall_owned_by "$1" | grep -c . || true
}

# bridgectl's rules and elements that do not name their owner in a "bridgectl ..." comment (the
# user chain is the user's and exempt), one per line; empty when all do.
firewall_uncommented() {
	if [[ $FIREWALL == nftables ]]; then
		nft -j list table ip bridgectl | python3 -c '
import json, sys
for item in json.load(sys.stdin)["nftables"]:
    rule = item.get("rule")
    if rule and rule["chain"] != "user" and not rule.get("comment", "").startswith("bridgectl "):
        print("rule in %s: %s" % (rule["chain"], json.dumps(rule["expr"])))
    found = item.get("set") or item.get("map")
    for element in (found or {}).get("elem", []):
        key = element[0] if isinstance(element, list) else element
        comment = key.get("elem", {}).get("comment", "") if isinstance(key, dict) else ""
        if not comment.startswith("bridgectl "):
            print("element of %s: %s" % (found["name"], json.dumps(element)))
'
	else
		iptables_dump | grep -E '^-A ' | grep -E 'BRIDGECTL|bridgectl' |
			grep -v -- '--comment "bridgectl ' | grep -v '^-A BRIDGECTL-USER ' || true
	fi
}

# The user's own chain, the equivalent of Docker's DOCKER-USER: BRIDGECTL-USER, or chain `user`
# of table ip bridgectl. firewall_user_drop_from ADDR puts a rule there dropping ADDR's traffic;
# firewall_user_rule_text ADDR is how the backend lists that rule; firewall_user_rules lists
# the chain's rules; firewall_user_undrop_from ADDR deletes the rule again.
firewall_user_drop_from() {
	if [[ $FIREWALL == nftables ]]; then
		nft add rule ip bridgectl user ip saddr "$1" drop
	else
		iptables -I BRIDGECTL-USER -s "$1/32" -j DROP
	fi
}

firewall_user_rule_text() {
	if [[ $FIREWALL == nftables ]]; then
		echo "ip saddr $1 drop"
	else
		echo "-A BRIDGECTL-USER -s $1/32 -j DROP"
	fi
}

firewall_user_rules() {
	if [[ $FIREWALL == nftables ]]; then
		nft list chain ip bridgectl user | sed -n 's/^[[:space:]]*//; /^\(table\|chain\|}\)/!p'
	else
		iptables -S BRIDGECTL-USER | grep '^-A ' || true
	fi
}

firewall_user_undrop_from() {
	if [[ $FIREWALL == nftables ]]; then
		local handle
		handle=$(nft -a list chain ip bridgectl user | sed -n "s/^[[:space:]]*ip saddr $1 drop # handle \([0-9]*\)$/\1/p")
		[[ -n $handle ]] && nft delete rule ip bridgectl user handle "$handle"
	else
		iptables -D BRIDGECTL-USER -s "$1/32" -j DROP
	fi
}

# The first rule forwarded packets meet in bridgectl's part of the forward hook.
firewall_first_forward_rule() {
	if [[ $FIREWALL == nftables ]]; then
		nft list chain ip bridgectl forward | sed 's/^[[:space:]]*//' | grep -vE '^(table|chain|type) |^}' | head -n1
	else
		iptables -S FORWARD | grep '^-A ' | head -n1
	fi
}

# Anything of bridgectl's in either firewall, whichever backend made it: BRIDGECTL chains or
# bridgectl comments in iptables-save, a bridgectl table in nftables. Empty when there is none.
firewall_leftovers() {
	iptables-save | grep -E 'BRIDGECTL|"bridgectl ' | sed 's/^/iptables: /' || true
	if command -v nft >/dev/null; then
		nft list tables | grep -w bridgectl | sed 's/^/nftables: /' || true
	fi
}

# bridgectl's rules and elements in both firewalls, sorted (the order nft lists a set's elements
# in is the kernel's walk), for world snapshots: a refused or rolled-back command must leave them
# as they were.
firewall_snapshot() {
	{
		iptables_dump | grep -E 'BRIDGECTL|"bridgectl ' || true
		if command -v nft >/dev/null; then
			nft list table ip bridgectl 2>/dev/null | tr ',{}' '\n\n\n' | sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | grep -v '^$' || true
		fi
	} | sort
}

expect_no_firewall_leftovers() {
	expect_eq "$1" "" "$(firewall_leftovers)"
}

# ---------------------------------------------------------------------------------------------
# TCP probes (python3, so no extra package is needed)

# python3 -c "$TCP_SERVER_PY" LABEL PORT : answers every connection with one line
# "hello from LABEL to PEER-ADDRESS", forever (tests stop it by PID).
# shellcheck disable=SC2034 # used by the tests that source this file
TCP_SERVER_PY='
import socket, sys
label, port = sys.argv[1], int(sys.argv[2])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", port))
s.listen(128)
while True:
    c, a = s.accept()
    c.sendall(("hello from %s to %s\n" % (label, a[0])).encode())
    c.close()
'

# python3 -c "$TCP_CLIENT_PY" ADDR PORT [TIMEOUT] : prints the server's line, status 1 on failure.
# shellcheck disable=SC2034
TCP_CLIENT_PY='
import socket, sys
try:
    c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=float(sys.argv[3]) if len(sys.argv) > 3 else 3)
    print(c.makefile().readline().strip())
except Exception as e:
    print("connect %s:%s failed: %s" % (sys.argv[1], sys.argv[2], e), file=sys.stderr)
    sys.exit(1)
'

# wait_listening NETNS|"" PORT : up to 5 s for a TCP listener on PORT.
wait_listening() {
	local ns=$1 port=$2
	if [[ -n $ns ]]; then
		wait_until 5 _listening_in "$ns" "$port"
	else
		wait_until 5 _listening_in "" "$port"
	fi
}

_listening_in() {
	local out
	if [[ -n $1 ]]; then
		out=$(ss -N "$1" -Hltn "sport = :$2")
	else
		out=$(ss -Hltn "sport = :$2")
	fi
	[[ -n $out ]]
}

# ---------------------------------------------------------------------------------------------
# World snapshots and the leftovers check

# Everything a bridgectl command could leave behind, as comparable text.
world_snapshot() {
	echo "links: $(link_names | tr '\n' ' ')"
	echo "netns: $(netns_names | tr '\n' ' ')"
	echo "etc-netns: $(find /etc/netns -mindepth 1 -maxdepth 2 2>/dev/null | sort | tr '\n' ' ')"
	local out
	if out=$(bridgectl container ls -q 2>&1); then
		echo "containers: $(sort <<<"$out" | tr '\n' ' ')"
	else
		echo "containers: <container ls failed: $out>"
	fi
	if out=$(bridgectl network ls -q 2>&1); then
		echo "networks: $(sort <<<"$out" | tr '\n' ' ')"
	else
		echo "networks: <network ls failed: $out>"
	fi
	echo "state-ids: $(state_ids | tr '\n' ' ')"
	firewall_snapshot | sed 's/^/firewall: /'
}

# A snapshot to compare later ones against, taken once the kernel has finished reaping the host
# veths of containers removed just before (a host veth whose 7-hex ID prefix matches no container).
settled_world_snapshot() {
	wait_until 10 _no_orphan_veths || true
	world_snapshot
}

_no_orphan_veths() {
	local ids veth
	ids=$(bridgectl container ls -q --no-trunc 2>/dev/null || bridgectl container ls -q 2>/dev/null || true)
	# `|| true`: with no veth at all grep fails, and under errexit/pipefail that failure would
	# become this function's status.
	for veth in $(link_names | grep -E '^veth[0-9a-f]{7}[0-9]+$' || true); do
		grep -q "^${veth:4:7}" <<<"$ids" || return 1
	done
	return 0
}

# Every 64-hex ID mentioned by a file of the state root: a record the store still holds.
state_ids() {
	grep -rhoE '[0-9a-f]{64}' "$BRIDGECTL_ROOT" 2>/dev/null | sort -u || true
}

# expect_world DESC SNAPSHOT : polls up to 10 s (host veths die asynchronously after their netns,
# and with RCU_LAZY kernels a batch of namespace cleanups can wait ~10 s for lazy RCU callbacks).
expect_world() {
	local desc=$1 want=$2 now
	if wait_until 10 _world_is "$want"; then
		pass "$desc"
	else
		now=$(world_snapshot)
		fail "$desc" "before/after differ:" "$(diff <(echo "$want") <(echo "$now") || true)"
	fi
}

_world_is() {
	[[ $(world_snapshot) == "$1" ]]
}

# Names allowed to remain after a test: loopback and the fake internet.
_allowed_links() {
	echo lo
	if netns_names | grep -qx inet; then
		echo uplink0
	fi
}

_extra_links() {
	comm -23 <(link_names) <(_allowed_links | sort)
}

_extra_netns() {
	netns_names | grep -vx inet || true
}

check_leftovers() {
	_LEFTOVERS_CHECKED=1
	section "leftovers check"
	local extra
	# Host veths of a removed container disappear when the kernel reaps its namespace: poll.
	if wait_until 10 _no_extra_links; then
		pass "leftovers: only $(_allowed_links | tr '\n' ' ')remain as links"
	else
		fail "leftovers: links remain" "$(_extra_links | tr '\n' ' ')" "$(ip -br link)"
	fi
	extra=$(_extra_netns)
	if [[ -z $extra ]]; then pass "leftovers: no named netns"; else fail "leftovers: named netns remain" "$extra"; fi
	extra=$(find /etc/netns -mindepth 1 2>/dev/null || true)
	if [[ -z $extra ]]; then pass "leftovers: /etc/netns is empty"; else fail "leftovers: /etc/netns is not empty" "$extra"; fi
	run bridgectl container ls -q
	if [[ $RC -eq 0 && -z $OUT ]]; then
		pass "leftovers: container ls is empty"
	else
		fail "leftovers: container ls is not empty (or failed)" "exit $RC" "$OUT" "$ERR"
	fi
	run bridgectl network ls
	local names
	names=$(awk 'NR > 1 { print $2 }' <<<"$OUT" | sort | tr '\n' ' ')
	if [[ $RC -eq 0 && $names == "bridge host none " ]]; then
		pass "leftovers: network ls shows only bridge, host, none"
	else
		fail "leftovers: network ls shows more than bridge, host, none (or failed)" "exit $RC" "$OUT" "$ERR"
	fi
	# The built-in networks may have records; anything else in the store is a leftover.
	local builtin_ids extra_ids
	run bridgectl network inspect bridge host none
	builtin_ids=$(grep -oE '[0-9a-f]{64}' <<<"$OUT" | sort -u || true)
	extra_ids=$(comm -23 <(state_ids) <(echo "$builtin_ids"))
	if [[ -z $extra_ids ]]; then
		pass "leftovers: the state root holds no record but the built-in networks'"
	else
		fail "leftovers: the state root still mentions these IDs" "$extra_ids" \
			"$(grep -rlE "$(head -n1 <<<"$extra_ids")" "$BRIDGECTL_ROOT" 2>/dev/null || true)"
	fi
}

_no_extra_links() {
	[[ -z $(_extra_links) ]]
}

# ---------------------------------------------------------------------------------------------
# End of test

_lib_on_err() {
	echo "aborted: line $1: $2 (exit status $3)"
}

_lib_on_exit() {
	local rc=$?
	trap - ERR
	set +e
	if [[ $_SKIPPED -eq 1 ]]; then
		exit 77
	fi
	local pid
	for pid in "${_BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	if [[ $rc -eq 0 && $_LEFTOVERS_CHECKED -eq 0 ]]; then
		check_leftovers
	fi
	echo
	if [[ $rc -ne 0 ]]; then
		echo "test aborted with exit status $rc after $_CHECKS checks"
	fi
	if [[ ${#FAILURES[@]} -gt 0 ]]; then
		echo "${#FAILURES[@]} of $_CHECKS checks failed:"
		printf '  - %s\n' "${FAILURES[@]}"
		exit 1
	fi
	if [[ $rc -ne 0 ]]; then
		exit "$rc"
	fi
	echo "all $_CHECKS checks passed"
	exit 0
}

trap '_lib_on_err "$LINENO" "$BASH_COMMAND" "$?"' ERR
trap _lib_on_exit EXIT
