#!/usr/bin/env bash
# bridgectl trace (issues #9, #10): one real packet followed through the host's netfilter hooks by
# the kernel's tracing, on both firewall backends, for every case the issue names — isolation
# drop, ICC-off drop, published-port DNAT, outbound masquerade, internal-network drop — each
# verdict naming the rule by its comment and each matched rule in words; --watch; the temporary bridgectl-trace table never outlives a
# trace (normal end, SIGINT, a killed trace's table removed by the next one); bad SRC/DST.
source "$(dirname "$0")/lib.sh"
require_bridgectl
command -v nft >/dev/null && command -v xtables-monitor >/dev/null || skip "needs nft and xtables-monitor (scripts/install-deps)"

throwaway_make_internet
# The fake internet routes the container subnets to the host, so it can address them directly.
ip -n inet route add 172.16.0.0/12 via 203.0.113.2

trace_tables() { nft list tables ip | grep -o 'bridgectl-trace-[0-9]*' || true; }
expect_no_trace_table() {
	local left
	left=$(trace_tables)
	if [[ -z $left ]]; then pass "$1: no bridgectl-trace table remains"; else fail "$1: a trace table remains" "$left"; fi
}
# expect_trace DESC VERDICT ARGS... : trace exits 0, prints VERDICT as its verdict, leaves no table.
expect_trace() {
	local desc=$1 verdict=$2
	shift 2
	run bridgectl trace "$@"
	if [[ $RC -eq 0 && $OUT == *"verdict: $verdict"* ]]; then
		pass "$desc"
	else
		fail "$desc" "command: bridgectl trace $*" "exit $RC" "expected verdict: $verdict" "stdout: $OUT" "stderr: $ERR"
	fi
	expect_no_trace_table "$desc"
}
bridge_of() { ip -o -d link show type bridge | grep "alias bridgectl net=$1\$" | sed -E 's/^[0-9]+: ([^@:]+).*/\1/'; }

# scenarios BACKEND: the cases the issue names, traced with real packets on one firewall backend
# (BRIDGECTL_FIREWALL); each verdict names the rule or element that decided by its comment. Both
# backends name the same owner's rule in the same words, in their own chains.
scenarios() {
	local backend=$1
	section "set-up ($backend)"
	export BRIDGECTL_FIREWALL=$backend
	expect_ok "network front" bridgectl network create front
	expect_ok "network back" bridgectl network create back
	expect_ok "network quiet, ICC off" bridgectl network create quiet -o com.docker.network.bridge.enable_icc=false
	expect_ok "network data, internal" bridgectl network create data --internal
	expect_ok "web on front publishes 8080:80" bridgectl container create web --network front -p 8080:80
	expect_ok "api on back" bridgectl container create api --network back
	expect_ok "q1 on quiet" bridgectl container create q1 --network quiet
	expect_ok "q2 on quiet" bridgectl container create q2 --network quiet
	expect_ok "d1 on data" bridgectl container create d1 --network data
	start_bg ip netns exec web python3 -c "$TCP_SERVER_PY" web 80
	wait_listening web 80 || fail "web listens on 80"
	WEB=172.18.0.2 FRONT_GW=172.18.0.1
	FRONT_BRIDGE=$(bridge_of front) BACK_BRIDGE=$(bridge_of back) QUIET_BRIDGE=$(bridge_of quiet) DATA_BRIDGE=$(bridge_of data)
	local ipt=0
	[[ $backend == iptables ]] && ipt=1

	section "isolation: a container on one network to one on another ($backend)"
	if ((ipt)); then
		expect_trace "web -> api is dropped by back's isolation rule" \
			"dropped in BRIDGECTL-ISOLATION-2 by 'bridgectl net=back isolated from other networks'" web api
		expect_contains "the drop in words, naming the bridge and the owner" "$OUT" \
			"filter BRIDGECTL-ISOLATION-2: DROP: drops traffic from other bridgectl networks into $BACK_BRIDGE: back is isolated from them"
		expect_contains "the rules on the way, each in words" "$OUT" \
			"filter BRIDGECTL-ISOLATION-1: jump BRIDGECTL-ISOLATION-2: checks traffic leaving $FRONT_BRIDGE"
	else
		expect_trace "web -> api is dropped by front's isolation rule" \
			"dropped in forward-$FRONT_BRIDGE by 'bridgectl net=front isolated from other networks'" web api
		expect_contains "the drop in words, naming the owner" "$OUT" \
			"bridgectl forward-$FRONT_BRIDGE: DROP: drops traffic from front's containers into other bridgectl networks: they are isolated"
		expect_contains "the way there, by front's element of the from-bridge map" "$OUT" \
			"bridgectl forward: jump forward-$FRONT_BRIDGE: sends traffic from $FRONT_BRIDGE to chain forward-$FRONT_BRIDGE ('bridgectl net=front')"
		expect_not_contains "the base chains' policy in words" "$OUT" "(no rule decided)"
	fi
	expect_match "the hook, with the packet as it came" '^FORWARD  172\.18\.0\.2 -> 172\.19\.0\.2 \(in br-[0-9a-f]{12}, out br-[0-9a-f]{12}\)$' "$OUT"
	expect_contains "the probe was not answered" "$OUT" "answer: none (the packet was dropped on the way)"
	if ((ipt)); then
		expect_trace "TCP too: api -> web:80" \
			"dropped in BRIDGECTL-ISOLATION-2 by 'bridgectl net=front isolated from other networks'" api web:80
	else
		expect_trace "TCP too: api -> web:80" \
			"dropped in forward-$BACK_BRIDGE by 'bridgectl net=back isolated from other networks'" api web:80
	fi

	section "ICC off ($backend)"
	ICC_CHAIN=BRIDGECTL-FORWARD # the --watch checks below use it too
	((ipt)) || ICC_CHAIN=forward-$QUIET_BRIDGE
	expect_trace "q1 -> q2 is dropped by quiet's icc rule" "dropped in $ICC_CHAIN by 'bridgectl net=quiet icc off'" q1 q2
	expect_contains "in words" "$OUT" "drops container-to-container traffic on $QUIET_BRIDGE because enable_icc=false"

	section "published port ($backend)"
	expect_trace "fake internet -> host:8080 is DNATed to web" \
		"DNATed to $WEB:80 by 'bridgectl container=web publish 0.0.0.0:8080->80/tcp', then accepted" 203.0.113.1 host:8080
	expect_match "the next hook sees the rewritten destination" "^FORWARD  203\.0\.113\.1:[0-9]+ -> $WEB:80 \(in uplink0, out br-" "$OUT"
	expect_contains "the forward accept in words" "$OUT" "accepts traffic rewritten to $WEB:80/tcp (published by web)"
	expect_contains "the connection was made" "$OUT" "answer: connected"
	local host_rule="bridgectl net=front host to published ports"
	((ipt)) || host_rule="bridgectl host to published ports"
	expect_trace "host -> 127.0.0.1:8080 is DNATed, then given the gateway as source" \
		"DNATed to $WEB:80 by 'bridgectl container=web publish 0.0.0.0:8080->80/tcp', then masqueraded as $FRONT_GW by '$host_rule', then accepted" \
		host 127.0.0.1:8080
	expect_contains "answered" "$OUT" "answer: connected"

	section "outbound masquerade ($backend)"
	expect_trace "web -> the fake internet is masqueraded as the uplink's address" \
		"masqueraded as 203.0.113.2 by 'bridgectl net=front masquerade', then accepted" web 203.0.113.1
	expect_contains "the echo came back" "$OUT" "answer: echo reply"
	expect_contains "the outbound accept in words" "$OUT" "accepts traffic from front's containers leaving $FRONT_BRIDGE for elsewhere"
	expect_trace "UDP too" "masqueraded as 203.0.113.2 by 'bridgectl net=front masquerade', then accepted" web 203.0.113.1:53/udp

	section "internal network ($backend)"
	local internal_chain=BRIDGECTL-ISOLATION-1
	((ipt)) || internal_chain=into-$DATA_BRIDGE
	expect_trace "fake internet -> d1 is dropped by data's internal rule" \
		"dropped in $internal_chain by 'bridgectl net=data internal: nothing in'" 203.0.113.1 d1
	expect_contains "in words" "$OUT" "drops everything entering $DATA_BRIDGE from elsewhere because data is internal"
	expect_trace "d1 -> the fake internet never leaves d1 (no route out of an internal network)" \
		"not seen: no packet reached this host's netfilter hooks" d1 203.0.113.1
	expect_contains "the source's own kernel refused it" "$OUT" "answer: Network is unreachable"
}

# Both backends, unless the suite chose one (BRIDGECTL_FIREWALL set for the whole run).
backends=${BRIDGECTL_FIREWALL:-iptables nftables}
first_backend=${backends%% *}
for backend in $backends; do
	[[ $backend == "$first_backend" ]] && continue
	scenarios "$backend"
	section "between backends: everything removed"
	stop_bg "$BG_PID"
	expect_ok "container rm -f" bridgectl container rm -f web api q1 q2 d1
	expect_ok "network rm" bridgectl network rm front back quiet data
done
# The first backend last: --watch and the bad inputs below use its networks.
scenarios "$first_backend"

section "--watch"
watch_out=$_LIB_TMP/watch.out
bridgectl trace --watch --timeout 20 web 203.0.113.1 >"$watch_out" 2>&1 </dev/null &
watch_pid=$!
_BG_PIDS+=("$watch_pid")
wait_until 5 bash -c "nft list tables ip | grep -q bridgectl-trace-$watch_pid" || fail "--watch put its table in place"
ip netns exec web ping -c1 -W1 203.0.113.1 >/dev/null || true
wait "$watch_pid" && rc=0 || rc=$?
expect_eq "--watch exits 0 after the packet" 0 "$rc"
expect_contains "--watch traced the ping it saw" "$(<"$watch_out")" \
	"verdict: masqueraded as 203.0.113.2 by 'bridgectl net=front masquerade', then accepted"
expect_contains "--watch says it watched" "$(<"$watch_out")" "watched: icmp echo from web (172.18.0.2) to 203.0.113.1"
expect_no_trace_table "--watch"

bridgectl trace --watch --timeout 30 web api:80 >"$watch_out" 2>&1 </dev/null &
watch_pid=$!
_BG_PIDS+=("$watch_pid")
wait_until 5 bash -c "nft list tables ip | grep -q bridgectl-trace-$watch_pid" || fail "--watch put its table in place"
kill -INT "$watch_pid"
wait "$watch_pid" && rc=0 || rc=$?
expect_eq "SIGINT ends --watch with status 130" 130 "$rc"
expect_no_trace_table "after SIGINT of --watch"

bridgectl trace --watch --timeout 30 web api:80 >"$watch_out" 2>&1 </dev/null &
watch_pid=$!
_BG_PIDS+=("$watch_pid")
wait_until 5 bash -c "nft list tables ip | grep -q bridgectl-trace-$watch_pid" || fail "--watch put its table in place"
kill -TERM "$watch_pid"
wait "$watch_pid" && rc=0 || rc=$?
expect_eq "SIGTERM ends --watch with status 143" 143 "$rc"
expect_no_trace_table "after SIGTERM of --watch"

bridgectl trace --watch --timeout 30 web api:80 >"$watch_out" 2>&1 </dev/null &
watch_pid=$!
_BG_PIDS+=("$watch_pid")
wait_until 5 bash -c "nft list tables ip | grep -q bridgectl-trace-$watch_pid" || fail "--watch put its table in place"
kill -KILL "$watch_pid"
wait "$watch_pid" || true
expect_eq "a SIGKILLed trace cannot clean up: its table stays" "bridgectl-trace-$watch_pid" "$(trace_tables)"
expect_trace "the next trace removes the dead trace's table" \
	"dropped in $ICC_CHAIN by 'bridgectl net=quiet icc off'" q1 q2

section "bad SRC or DST: one Error: line naming it"
expect_error "unknown SRC container" "nosuch" bridgectl trace nosuch api
expect_error "unknown DST container" "nosuch" bridgectl trace web nosuch:80
expect_error "unknown network after gateway:" "gateway:nonet" bridgectl trace web gateway:nonet
expect_error "port out of range" "99999" bridgectl trace web api:99999
expect_error "unknown protocol" "sctp" bridgectl trace web api:80/sctp
expect_error "icmp with a port" "api:80/icmp" bridgectl trace web api:80/icmp
expect_error "not an address" "300.1.2.3" bridgectl trace 300.1.2.3 web
expect_error "an address no one here holds cannot send" "198.51.100.7" bridgectl trace 198.51.100.7 web
expect_error "bad --timeout" "--timeout" bridgectl trace --timeout 0 web api
expect_no_trace_table "after the bad inputs"

section "clean-up"
stop_bg "$BG_PID"
expect_ok "container rm -f" bridgectl container rm -f web api q1 q2 d1
expect_ok "network rm" bridgectl network rm front back quiet data
