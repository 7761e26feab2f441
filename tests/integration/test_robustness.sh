#!/usr/bin/env bash
# Robustness: concurrent invocations serialise and get distinct working addresses; SIGKILL at any
# point never corrupts state and everything can still be removed; a failure injected before any
# step of a plan (BRIDGECTL_FAIL_AT_STEP=k) rolls back everything that step's predecessors did;
# what a killed write leaves (temporary files, a torn record) never blocks the next command; the
# state root is readable by root only. Runs on both firewall backends: the world snapshots the
# rollbacks are checked against include the firewall.
# firewall backends: iptables nftables
source "$(dirname "$0")/lib.sh"
require_bridgectl

section "20 concurrent container creates on one network"
expect_ok "network create n1" bridgectl network create n1
n1_id=$OUT
# A TCP server on the gateway address: every container must reach it through its own eth0.
start_bg python3 -c "$TCP_SERVER_PY" host 9000
host_server=$BG_PID
wait_listening "" 9000 || fail "host server listens on 9000"
pids=()
for i in $(seq 1 20); do
	bridgectl container create "c$i" --network n1 >"$_LIB_TMP/c$i.out" 2>"$_LIB_TMP/c$i.err" </dev/null &
	pids+=("$!")
done
bad=()
for i in $(seq 1 20); do
	rc=0
	wait "${pids[$((i - 1))]}" || rc=$?
	[[ $rc -eq 0 ]] || bad+=("c$i: exit $rc: $(cat "$_LIB_TMP/c$i.err")")
done
if [[ ${#bad[@]} -eq 0 ]]; then pass "all 20 concurrent creates succeeded"; else fail "all 20 concurrent creates succeeded" "${bad[@]}"; fi
addrs=()
broken=()
for i in $(seq 1 20); do
	a=$(addr4 eth0 "c$i" 2>/dev/null || true)
	addrs+=("$a")
	mac=$(ip -n "c$i" -o link show dev eth0 2>/dev/null | grep -oE 'link/ether [0-9a-f:]+' | cut -d' ' -f2 || true)
	if [[ -z $a || $mac != "$(mac_for_ip "${a%/*}")" ]]; then
		broken+=("c$i: address '$a' MAC '$mac'")
		continue
	fi
	got=$(ip netns exec "c$i" timeout 5 python3 -c "$TCP_CLIENT_PY" 172.18.0.1 9000 2>&1 || true)
	[[ $got == "hello from host to ${a%/*}" ]] || broken+=("c$i ($a): $got")
done
distinct=$(printf '%s\n' "${addrs[@]}" | grep -c . || true)
unique=$(printf '%s\n' "${addrs[@]}" | grep . | sort -u | grep -c '' || true)
expect_eq "20 addresses" 20 "$distinct"
expect_eq "20 distinct addresses" 20 "$unique"
expect_eq "they are exactly 172.18.0.2-21 (lowest free first)" \
	"$(for n in $(seq 2 21); do echo "172.18.0.$n/16"; done | sort | tr '\n' ' ')" \
	"$(printf '%s\n' "${addrs[@]}" | sort | tr '\n' ' ')"
if [[ ${#broken[@]} -eq 0 ]]; then pass "each container's eth0 works (MAC, TCP to the gateway)"; else fail "each container's eth0 works" "${broken[@]}"; fi
run bridgectl network inspect n1
expect_json "network inspect n1 lists 20 containers" "$OUT" 'len(d[0]["Containers"])' 20
stop_bg "$host_server"
# shellcheck disable=SC2046 # one word per name
expect_ok "container rm -f c1..c20" bridgectl container rm -f $(seq -f 'c%g' 1 20)

section "SIGKILL during a loop of creates"
# Kill each create after a different delay, so that the kills land at different points: before
# the lock, during the plan, between kernel steps, during the state write.
delays=(0 0.001 0.002 0.003 0.005 0.008 0.01 0.015 0.02 0.03 0.04 0.06 0.08 0.1 0.15)
killed=0
for i in $(seq 1 30); do
	bridgectl container create "k$i" --network n1 >/dev/null 2>&1 </dev/null &
	pid=$!
	sleep "${delays[$((i % ${#delays[@]}))]}"
	if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
	wait "$pid" 2>/dev/null || true
done
echo "info: $killed of 30 creates were SIGKILLed before they finished"
expect_ok "container ls still works" bridgectl container ls
# That reader finished what the kills interrupted: a kill inside an atomic write must leave no
# temporary file, and no /etc/netns folder of a container that never came to be.
expect_eq "no temporary file of a killed write is left (state root, /etc/netns)" "" \
	"$(find "$BRIDGECTL_ROOT" /etc/netns -name '*.tmp.*' 2>/dev/null | tr '\n' ' ')"
listed_now=$(awk 'NR > 1 { print $2 }' <<<"$OUT")
orphans=()
for folder in /etc/netns/k*; do
	[[ -e $folder ]] || continue
	grep -qx "${folder##*/}" <<<"$listed_now" || orphans+=("$folder")
done
expect_eq "every /etc/netns/k* folder belongs to a listed container" "" "${orphans[*]}"
expect_ok "container ls --format json still works" bridgectl container ls --format json
run bridgectl network inspect n1
if json_get "$OUT" '[0]["Containers"]' >/dev/null 2>&1; then pass "network inspect n1 still gives valid JSON"; else fail "network inspect n1 still gives valid JSON" "$OUT" "$ERR"; fi
# Addresses must still be unique: a new container gets one nobody else has.
expect_ok "a new create after the kills works" bridgectl container create after-kill --network n1
after=$(addr4 eth0 after-kill 2>&1)
others=$(for n in $(netns_names); do [[ $n == after-kill ]] || addr4 eth0 "$n" 2>/dev/null || true; done)
expect_no_match "its address $after is not used by any other namespace" "^${after//./\\.}\$" "$others"
listed=$(bridgectl container ls | awk 'NR > 1 { print $2 }' || true)
# shellcheck disable=SC2086 # one word per name
if [[ -n $listed ]]; then expect_ok "container rm -f of every listed container" bridgectl container rm -f $listed; fi
# Names a kill left unlisted: rm -f must clean up whatever of them exists (status not judged).
for i in $(seq 1 30); do
	if ! grep -qx "k$i" <<<"$listed"; then bridgectl container rm -f "k$i" >/dev/null 2>&1 || true; fi
done
expect_eq "no k* namespace is left" "" "$(netns_names | grep -E '^k[0-9]+$' | tr '\n' ' ' || true)"
expect_eq "no /etc/netns/k* is left" "" "$(find /etc/netns -mindepth 1 -maxdepth 1 -name 'k*' | tr '\n' ' ')"
expect_ok "network rm n1 after the kills" bridgectl network rm n1
if wait_until 10 link_absent "br-${n1_id:0:12}"; then pass "n1's bridge is gone"; else fail "n1's bridge is gone"; fi
expect_eq "no veth is left" "" "$(link_names | grep '^veth' | tr '\n' ' ' || true)"

section "failure injected before each step rolls everything back"
INJECT_STEPS=-1
# inject_each_step [--or-done CHECK] DESC CMD... : runs CMD with BRIDGECTL_FAIL_AT_STEP=0,1,2,...
# until it succeeds. After each failure the world must be exactly as before (polled up to 3 s for
# async veth removal): rolled back. For a removal, --or-done also accepts a failure after which
# CHECK (a command) says the object is completely gone: rolled forward. Anything in between is
# half-done; the command is then re-run plainly so that the rest of the test starts clean.
_rolled_back_or_done() { # BEFORE CHECK
	_world_is "$1" && return 0
	# shellcheck disable=SC2086 # CHECK is a command line
	[[ -n $2 ]] && $2
}

inject_each_step() {
	local check=
	if [[ $1 == --or-done ]]; then
		check=$2
		shift 2
	fi
	local desc=$1 before k problems=() forward=
	shift
	before=$(settled_world_snapshot)
	INJECT_STEPS=-1
	for ((k = 0; k < 30; k++)); do
		run env "BRIDGECTL_FAIL_AT_STEP=$k" "$@"
		if [[ $RC -eq 0 ]]; then
			INJECT_STEPS=$k
			break
		fi
		if [[ $ERR != "Error: "* || $(grep -c '' <<<"$ERR") -ne 1 ]]; then
			problems+=("step $k: stderr is not one 'Error: ' line: $ERR")
		fi
		# Polls until the world is back as before (rolled back) or, for a removal, CHECK says the
		# object is completely gone (rolled forward): either ends the wait at once.
		if wait_until 10 _rolled_back_or_done "$before" "$check"; then
			_world_is "$before" && continue
		fi
		# shellcheck disable=SC2086 # CHECK is a command line
		if [[ -n $check ]] && $check; then
			forward="failure before step $k completed the removal (rolled forward)"
			INJECT_STEPS=$k
			break
		fi
		problems+=("step $k: half-done after '$ERR': $(diff <(echo "$before") <(world_snapshot) | grep '^[<>]' | tr '\n' ' ' || true)")
		run "$@"
		[[ $RC -eq 0 ]] || problems+=("re-running it plainly failed too: $ERR")
		break
	done
	if [[ $INJECT_STEPS -eq 0 && -z $forward ]]; then
		problems+=("it succeeded with BRIDGECTL_FAIL_AT_STEP=0: the variable is not honoured")
	elif [[ $INJECT_STEPS -lt 0 && ${#problems[@]} -eq 0 ]]; then
		problems+=("it never succeeded within 30 steps (last: exit $RC: $ERR)")
	fi
	if [[ ${#problems[@]} -gt 0 ]]; then
		fail "$desc: rollback" "${problems[@]}"
	elif [[ -n $forward ]]; then
		pass "$desc: $forward; every earlier failure rolled back"
	else
		pass "$desc: a failure before any of its $INJECT_STEPS steps left nothing behind"
	fi
}

# Completely gone: no netns, no /etc/netns files, no record, no host veth.
container_gone() {
	[[ ! -e /run/netns/$1 && ! -e /etc/netns/$1 ]] &&
		! bridgectl container inspect "$1" >/dev/null 2>&1 &&
		wait_until 10 _no_orphan_veths
}

network_gone() { # NAME BRIDGE
	! bridgectl network inspect "$1" >/dev/null 2>&1 && link_absent "$2"
}

disconnected() { # NETWORK CONTAINER
	local doc
	doc=$(bridgectl container inspect "$2" 2>/dev/null) || return 1
	[[ $(json_get "$doc" "\"$1\" in d[0][\"NetworkSettings\"][\"Networks\"]") == false ]] &&
		link_absent eth1 "$2" && wait_until 10 _no_orphan_veths
}

# dry_run_lines CMD... : how many commands --dry-run prints for CMD (for the record).
dry_run_lines() {
	"$@" --dry-run 2>/dev/null | grep -c . || true
}

echo "info: network create: $(dry_run_lines bridgectl network create -o com.docker.network.driver.mtu=1400 inj-a) dry-run lines"
inject_each_step "network create inj-a" bridgectl network create -o com.docker.network.driver.mtu=1400 inj-a
expect_ok "network create inj-b" bridgectl network create inj-b
inj_b_br=br-${OUT:0:12}
inj_a_br=br-$(json_get "$(bridgectl network inspect inj-a)" '[0]["Id"]' | cut -c1-12 || true)

echo "info: container create: $(dry_run_lines bridgectl container create x --network inj-a) dry-run lines"
inject_each_step "container create x --network inj-a" bridgectl container create x --network inj-a
expect_eq "after the failed attempts x still gets the first address (no leaked reservation)" \
	"172.18.0.2/16" "$(addr4 eth0 x 2>&1)"

inject_each_step "container create y --network inj-a --network inj-b" \
	bridgectl container create y --network inj-a --network inj-b --hostname why --add-host a:1.2.3.4
expect_eq "y got eth0 and eth1" "eth0 eth1 lo " "$(link_names y 2>&1 | tr '\n' ' ')"

inject_each_step "network connect inj-b x" bridgectl network connect inj-b x
expect_eq "x got eth1" "eth0 eth1 lo " "$(link_names x 2>&1 | tr '\n' ' ')"
inject_each_step --or-done "disconnected inj-b x" "network disconnect inj-b x" bridgectl network disconnect inj-b x
expect_eq "x lost eth1" "eth0 lo " "$(link_names x 2>&1 | tr '\n' ' ')"

# The default bridge network is created by its first container's plan: a failure must not leave
# bridgectl0 behind either.
inject_each_step "container create z (first user of the default bridge)" bridgectl container create z
if link_exists bridgectl0; then pass "bridgectl0 exists once z is created"; else fail "bridgectl0 exists once z is created"; fi

# Removal too: a failed rm leaves the container whole (its netns, veth, files and record).
inject_each_step --or-done "container_gone z" "container rm z (last user of the default bridge)" bridgectl container rm z
if wait_until 10 link_absent bridgectl0; then pass "bridgectl0 is gone with z"; else fail "bridgectl0 is gone with z"; fi
inject_each_step --or-done "container_gone y" "container rm -f y" bridgectl container rm -f y
inject_each_step --or-done "container_gone x" "container rm -f x" bridgectl container rm -f x
inject_each_step --or-done "network_gone inj-b $inj_b_br" "network rm inj-b" bridgectl network rm inj-b
inject_each_step --or-done "network_gone inj-a $inj_a_br" "network rm inj-a" bridgectl network rm inj-a

section "SIGKILL inside each atomic write"
# kill_each_write [--or-done CHECK] DESC CMD... : runs CMD with BRIDGECTL_KILL_AT_WRITE=0,1,2,...
# (the process SIGKILLs itself inside its k-th atomic write, temporary file complete, not yet
# renamed) until it succeeds. After each kill one reader (container ls) must recover: no
# temporary file anywhere, and the world as before (rolled back) or, for a removal, CHECK true.
kill_each_write() {
	local check=
	if [[ $1 == --or-done ]]; then
		check=$2
		shift 2
	fi
	local desc=$1 before k problems=() leftovers kills=0 forward=
	shift
	before=$(settled_world_snapshot)
	for ((k = 0; k < 40; k++)); do
		run env "BRIDGECTL_KILL_AT_WRITE=$k" "$@"
		[[ $RC -eq 0 ]] && break
		if [[ $RC -ne 137 ]]; then
			problems+=("write $k: exit $RC, not a SIGKILL: $ERR")
			break
		fi
		kills=$((kills + 1))
		run bridgectl container ls
		[[ $RC -eq 0 ]] || problems+=("write $k: the next container ls failed: $ERR")
		leftovers=$(find "$BRIDGECTL_ROOT" /etc/netns -name '*.tmp.*' 2>/dev/null | tr '\n' ' ')
		[[ -z $leftovers ]] || problems+=("write $k: temporary files left: $leftovers")
		if wait_until 10 _rolled_back_or_done "$before" "$check"; then
			_world_is "$before" && continue
			forward="the kill inside write $k was finished by recovery"
			break
		fi
		problems+=("write $k: half-done: $(diff <(echo "$before") <(world_snapshot) | grep '^[<>]' | tr '\n' ' ' || true)")
		break
	done
	[[ $kills -gt 0 ]] || problems+=("no write was killed: BRIDGECTL_KILL_AT_WRITE is not honoured")
	if [[ ${#problems[@]} -gt 0 ]]; then
		fail "$desc: killed inside a write" "${problems[@]}"
	else
		pass "$desc: $kills kills inside a write, each recovered by the next command${forward:+; $forward}"
	fi
}

expect_ok "network create kw-a" bridgectl network create kw-a
expect_ok "network create kw-b" bridgectl network create kw-b
kill_each_write "container create kw -p 18081:80" bridgectl container create kw --network kw-a -p 18081:80 --add-host a:192.0.2.1
expect_eq "kw works after the kills" "172.18.0.2/16" "$(addr4 eth0 kw 2>&1)"
kill_each_write "network connect kw-b kw" bridgectl network connect kw-b kw
expect_eq "kw got eth1" "eth0 eth1 lo " "$(link_names kw 2>&1 | tr '\n' ' ')"
kill_each_write --or-done "container_gone kw" "container rm -f kw" bridgectl container rm -f kw
expect_ok "network rm kw-a kw-b" bridgectl network rm kw-a kw-b

section "the state root is private"
# The throwaway host made the root 0755, as an older bridgectl did: the first change closes it.
expect_ok "network create private (a change)" bridgectl network create private
expect_eq "the state root is 0700" 700 "$(stat -c %a "$BRIDGECTL_ROOT")"
expect_eq "every state file is 0600" "" "$(find "$BRIDGECTL_ROOT" -type f ! -perm 600 | tr '\n' ' ')"
fresh=/run/bridgectl-fresh-root
expect_ok "a command with a new --root creates it" bridgectl network ls --root "$fresh"
expect_eq "a new state root is 0700" 700 "$(stat -c %a "$fresh")"
expect_eq "its files are 0600" "" "$(find "$fresh" -type f ! -perm 600 | tr '\n' ' ')"
rm -rf "$fresh"
expect_ok "network rm private" bridgectl network rm private

section "temporary files of killed writes are swept by the next command"
expect_ok "network create sweep" bridgectl network create sweep
expect_ok "container create keeper" bridgectl container create keeper --network sweep
keeper_id=$(json_get "$(bridgectl container inspect keeper)" '[0]["Id"]' || true)
sweep_id=$(json_get "$(bridgectl network inspect sweep)" '[0]["Id"]' || true)
# Exactly what a SIGKILL between create and rename leaves: a torn journal write, torn rewrites of
# keeper's and sweep's records, and a torn hosts file of a container whose creation was undone.
planted=("$BRIDGECTL_ROOT/journal/op-0123abcd.json.tmp.99991" "$BRIDGECTL_ROOT/containers/$keeper_id.json.tmp.99992"
	"$BRIDGECTL_ROOT/networks/$sweep_id.json.tmp.99993" "/etc/netns/ghost/hosts.tmp.99994"
	"/etc/netns/keeper/resolv.conf.tmp.99995")
mkdir -p /etc/netns/ghost
for file in "${planted[@]}"; do printf '{"summary":"tor' >"$file"; done
# A namespace someone else made with `ip netns add`, with files of its own: never bridgectl's.
ip netns add other
mkdir -p /etc/netns/other
echo "nameserver 192.0.2.53" >/etc/netns/other/resolv.conf
echo mine >/etc/netns/other/hosts.tmp.99996
expect_ok "container ls (a reader) after the planted crash" bridgectl container ls
expect_contains "keeper is listed" "$OUT" keeper
left=()
for file in "${planted[@]}"; do [[ ! -e $file ]] || left+=("$file"); done
expect_eq "every temporary file is gone" "" "${left[*]}"
if [[ ! -e /etc/netns/ghost ]]; then pass "the never-created container's /etc/netns folder is gone"; else fail "the never-created container's /etc/netns folder is gone" "$(ls -la /etc/netns/ghost)"; fi
expect_eq "keeper's own files stay" "hostname hosts resolv.conf " "$(ls /etc/netns/keeper | tr '\n' ' ')"
expect_eq "the other namespace's folder is untouched" "hosts.tmp.99996 resolv.conf " "$(ls /etc/netns/other | tr '\n' ' ')"
expect_eq "keeper still has its address" "172.18.0.2/16" "$(addr4 eth0 keeper 2>&1)"
ip netns del other
rm -r /etc/netns/other

section "a removal journal this bridgectl cannot read is kept and reported, never deleted"
# What another bridgectl version (or a hand) could leave: finishing it by guesswork could remove
# the wrong thing, deleting it could leave half a removal behind with nothing to say so.
unknown_journal=$BRIDGECTL_ROOT/journal/redo-restart-0123abcd
: >"$unknown_journal"
expect_error "container ls: one Error: line naming the journal file" "$unknown_journal" bridgectl container ls
expect_error "network create: refused the same way" "$unknown_journal" bridgectl network create blocked
if [[ -e $unknown_journal ]]; then pass "the journal file is kept"; else fail "the journal file is kept"; fi
rm "$unknown_journal"
expect_ok "container ls once the file is dealt with" bridgectl container ls
expect_contains "keeper is still there" "$OUT" keeper
expect_not_contains "the refused network was never made" "$(bridgectl network ls)" blocked

section "a corrupt container record is reported by name and can be removed"
expect_ok "container create torn -p 18080:80" bridgectl container create torn --network sweep -p 18080:80
torn_id=$(json_get "$(bridgectl container inspect torn)" '[0]["Id"]' || true)
torn_ip=$(addr4 eth0 torn 2>&1)
expect_ok "container create third" bridgectl container create third --network sweep
record=$BRIDGECTL_ROOT/containers/$torn_id.json
truncate -s 50 "$record"
run bridgectl container ls
expect_eq "container ls still succeeds" 0 "$RC"
expect_match "it lists keeper" '^[0-9a-f]{12} +keeper ' "$OUT"
expect_match "it lists third" '^[0-9a-f]{12} +third ' "$OUT"
expect_match "it lists torn as a corrupt record" "^${torn_id:0:12} +torn +\\(corrupt record\\)" "$OUT"
expect_eq "one warning line names torn and its file" 1 "$(grep -c "^Warning: container 'torn': record $record is corrupt" <<<"$ERR" || true)"
run bridgectl container ls -q --no-trunc
expect_contains "container ls -q includes torn's ID (rm -f \$(ls -q) removes everything)" "$OUT" "$torn_id"
run bridgectl container ls --format json
expect_eq "container ls --format json still succeeds" 0 "$RC"
expect_error "container inspect torn: one Error: line naming it" torn bridgectl container inspect torn
expect_error "exec in torn: one Error: line naming it" torn bridgectl exec torn true
expect_ok "container create on the same network is not blocked" bridgectl container create fourth --network sweep
expect_ne "fourth does not get torn's address (its claim stays until it is removed)" "$torn_ip" "$(addr4 eth0 fourth 2>&1)"
expect_error "network rm sweep refuses and names torn" torn bridgectl network rm sweep
expect_ok "container rm -f torn (by name)" bridgectl container rm -f torn
expect_eq "container rm prints its name" torn "$OUT"
if [[ ! -e /run/netns/torn && ! -e /etc/netns/torn && ! -e $record ]]; then pass "torn's namespace, /etc/netns folder and record are gone"; else fail "torn's namespace, /etc/netns folder and record are gone" "$(ls -d /run/netns/torn /etc/netns/torn "$record" 2>&1)"; fi
expect_eq "no rule of torn is left" "" "$(firewall_owned_by "container=torn ")"
run bridgectl container ls
expect_eq "container ls has no warning any more" "" "$ERR"
expect_no_match "torn is no longer listed" ' torn ' "$OUT"
expect_ok "container create takes torn's address again" bridgectl container create fifth --network sweep
expect_eq "fifth gets the released address" "$torn_ip" "$(addr4 eth0 fifth 2>&1)"
# A torn record removed by its ID prefix, as `rm -f $(ls -q)` would.
third_id=$(json_get "$(bridgectl container inspect third)" '[0]["Id"]' || true)
: >"$BRIDGECTL_ROOT/containers/$third_id.json"
expect_ok "container rm -f of an emptied record by ID prefix" bridgectl container rm -f "${third_id:0:12}"
expect_ok "container rm -f keeper fourth fifth" bridgectl container rm -f keeper fourth fifth

section "a corrupt network record does not hide the others and can be removed"
expect_ok "network create sweep2" bridgectl network create sweep2
expect_ok "network create sweep3" bridgectl network create sweep3
sweep3_id=$OUT
expect_ok "container create on3 --network sweep3" bridgectl container create on3 --network sweep3
sweep3_record=$BRIDGECTL_ROOT/networks/$sweep3_id.json
truncate -s 40 "$sweep3_record"
run bridgectl network ls
expect_eq "network ls still succeeds" 0 "$RC"
expect_match "it lists sweep" ' sweep ' "$OUT"
expect_match "it lists sweep2" ' sweep2 ' "$OUT"
expect_contains "a warning names the corrupt file" "$ERR" "Warning: network record $sweep3_record is corrupt"
expect_contains "and says how to remove it" "$ERR" "'bridgectl network rm ${sweep3_id:0:12}' removes it"
expect_ok "container create on sweep2 is not blocked" bridgectl container create on2 --network sweep2
expect_error "network rm of it refuses while on3 is attached, naming on3" on3 bridgectl network rm "${sweep3_id:0:12}"
expect_ok "container rm -f on3 on2 (on3's network record is corrupt)" bridgectl container rm -f on3 on2
expect_ok "network rm ${sweep3_id:0:12} removes the corrupt network" bridgectl network rm "${sweep3_id:0:12}"
if wait_until 10 link_absent "br-${sweep3_id:0:12}"; then pass "its bridge is gone"; else fail "its bridge is gone"; fi
expect_eq "no rule names its bridge" "" "$(firewall_dump | grep -F "br-${sweep3_id:0:12}" || true)"
expect_eq "its record is gone" "" "$(ls "$sweep3_record" 2>/dev/null || true)"
run bridgectl network ls
expect_eq "network ls has no warning any more" "" "$ERR"
expect_ok "network rm sweep sweep2" bridgectl network rm sweep sweep2
