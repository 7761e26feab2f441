#!/usr/bin/env bash
# Hostile tenants (issue #7): unprivileged processes inside containers attack the one resolver
# every container shares — pipelined TCP queries ended by a reset, a pipeline held open without
# reading, a TCP query abandoned before its forwarded answer comes back, hundreds of idle
# connections, a flood of random names, control clients that never read, parallel execs while
# the resolver is down, a stopped resolver, and too few file descriptors — and the others must
# keep getting answers within 1 s while the resolver keeps its memory under 64 MB.
source "$(dirname "$0")/lib.sh"
require_bridgectl
command -v dig >/dev/null || skip "needs dig (Debian dnsutils)"
command -v setpriv >/dev/null || skip "needs setpriv (Debian util-linux)"

throwaway_make_internet
echo "nameserver 203.0.113.1" >/etc/resolv.conf
install -m 0644 "$TESTS_DIR/hostile_tenant.py" /run/hostile_tenant.py
start_bg ip netns exec inet python3 /run/hostile_tenant.py upstream 203.0.113.1

# as_nobody CONTAINER ARGS... : the attack tool, unprivileged, inside CONTAINER.
as_nobody() {
	bridgectl exec "$1" setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 /run/hostile_tenant.py "${@:2}"
}
resolver_pid() { bridgectl dns status 2>/dev/null | awk '/^pid/ { print $2 }'; }
resolver_rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
resolver_count() { pgrep -f -c 'dns serve --root' || true; }
# answers_quickly DESC CONTAINER NAME EXPECTED [dig flags]: one try, 1 s.
answers_quickly() {
	run bridgectl exec "$2" dig +time=1 +tries=1 +short "${@:5}" "$3"
	expect_eq "$1" "$4" "$OUT"
}

section "set-up: two networks, the attacker among the tenants"
expect_ok "network app" bridgectl network create app
expect_ok "network other" bridgectl network create other
expect_ok "attacker on app" bridgectl container create attacker --network app
expect_ok "serveur on app" bridgectl container create serveur --network app
expect_ok "client on app" bridgectl container create client --network app
expect_ok "voisin on other" bridgectl container create voisin --network other
expect_ok "peer on other" bridgectl container create peer --network other
pid=$(resolver_pid)
expect_match "the resolver runs" '^[0-9]+$' "$pid"
answers_quickly "baseline: client resolves serveur" client serveur 172.18.0.3

section "1. SIGPIPE: pipelined queries, then a reset"
run as_nobody attacker pipeline-reset serveur 5 8
expect_match "the attacker pushed queries" '^[0-9]+$' "$OUT"
sleep 0.3
expect_ok "the resolver survived the reset (same pid)" kill -0 "$pid"
answers_quickly "others still get answers" client serveur 172.18.0.3
control=$(ls /run/bridgectl/dns*.sock | head -n1)
run as_nobody attacker true
expect_ok "control clients that never read their reply (as root)" \
	python3 /run/hostile_tenant.py control-abandon "$control" 50
sleep 0.3
expect_ok "the resolver survived the abandoned control clients" kill -0 "$pid"
answers_quickly "others still get answers after them" voisin peer 172.19.0.3

section "2. bounded memory: a pipeline held open, answers never read"
as_nobody attacker pipeline-hold serveur 12 >/dev/null &
attack=$!
_BG_PIDS+=("$attack")
sleep 3
max_rss=0
for i in 1 2 3 4 5; do
	rss=$(resolver_rss_kb "$pid")
	((rss > max_rss)) && max_rss=$rss
	answers_quickly "during the held pipeline, others answer within 1 s (UDP, try $i)" client serveur 172.18.0.3
	answers_quickly "during the held pipeline, other networks answer within 1 s (TCP, try $i)" voisin peer 172.19.0.3 +tcp
	sleep 1
done
wait "$attack" || true
if ((max_rss < 64 * 1024)); then
	pass "resolver RSS stayed under 64 MB (peak seen ${max_rss} kB)"
else
	fail "resolver RSS stayed under 64 MB" "peak seen ${max_rss} kB"
fi

section "3. an abandoned TCP query's answer never reaches another network"
as_nobody attacker abandon slow.example.test
run as_nobody voisin unsolicited 3
expect_eq "a connection from another network right after receives nothing" "0" "$OUT"
answers_quickly "forwarding still works for others" voisin fast.example.test 203.0.113.99

section "4. fairness: 600 idle connections from one container"
as_nobody attacker idle 600 8 >/tmp/idle.out &
attack=$!
_BG_PIDS+=("$attack")
sleep 2
answers_quickly "same network: TCP answers within 1 s" client serveur 172.18.0.3 +tcp
answers_quickly "other network: TCP answers within 1 s" voisin peer 172.19.0.3 +tcp
run bridgectl dns status
expect_match "dns status says what was shed, and for whom" 'shed attacker: [1-9][0-9]* connections refused' "$OUT"
wait "$attack" || true
sleep 6.5
run bridgectl dns status
expect_match "idle connections are closed after a few seconds" 'shed attacker: .* [1-9][0-9]* idle closed' "$OUT"

section "4. fairness: a flood of random names"
as_nobody attacker flood blackhole.test 6 >/dev/null &
attack=$!
_BG_PIDS+=("$attack")
sleep 1.5
answers_quickly "same network: a forwarded name still answers within 1 s" client www.example.test 203.0.113.99
answers_quickly "other network: a forwarded name still answers within 1 s" voisin www.example.test 203.0.113.99
answers_quickly "names still answer within 1 s" client serveur 172.18.0.3
run bridgectl dns status
expect_match "dns status shows the attacker's refused forwards" 'shed attacker: .* [1-9][0-9]* forwards refused' "$OUT"
wait "$attack" || true
expect_ok "the resolver is still the same process" kill -0 "$pid"

section "6. parallel execs with the resolver down start exactly one"
kill -9 "$pid"
wait_until 3 bash -c "! kill -0 $pid" || true
execs=()
for i in $(seq 1 12); do
	bridgectl exec client true &
	execs+=($!)
done
wait "${execs[@]}"
sleep 0.3
expect_eq "exactly one resolver runs" "1" "$(resolver_count)"
answers_quickly "names resolve through it" client serveur 172.18.0.3
expect_ok "a new container after the restart" bridgectl container create late --network app
answers_quickly "its name resolves at once" client late 172.18.0.5

section "6. a stopped resolver is reported, not doubled"
pid=$(resolver_pid)
kill -STOP "$pid"
run bridgectl container create paused --network app
expect_eq "create still succeeds" "0" "$RC"
expect_contains "and warns that the resolver does not answer, naming it" "$ERR" "pid $pid"
expect_eq "no second resolver was started" "1" "$(resolver_count)"
kill -CONT "$pid"
answers_quickly "once resumed it serves the new container" client paused 172.18.0.6
run bridgectl dns status
expect_contains "dns status after the resume" "$OUT" "pid $pid"

section "5. too few file descriptors: a create fails cleanly"
expect_ok "remove everything" bridgectl container rm -f attacker serveur client voisin peer late paused
wait_until 5 bash -c '! pgrep -f "dns serve --root"' || true
expect_eq "the resolver stopped after the last container" "0" "$(resolver_count)"
(
	ulimit -n 48
	bridgectl container create first --network app >/dev/null
)
names=(first)
refused=
for i in $(seq 2 40); do
	before=$(world_snapshot)
	run bridgectl container create "c$i" --network app
	if [[ $RC -ne 0 ]]; then
		refused=$i
		expect_contains "the refused create names the resolver's reason" "$ERR" "DNS resolver cannot serve"
		expect_world "a refused create leaves nothing behind" "$before"
		break
	fi
	names+=("c$i")
done
if [[ -n $refused ]]; then
	pass "with 48 descriptors the resolver served ${#names[@]} containers, then creates were refused"
else
	fail "a create is refused when the resolver runs out of descriptors"
fi
answers_quickly "the containers it serves still resolve" first c2 172.18.0.3
expect_ok "remove them" bridgectl container rm -f "${names[@]}"
expect_ok "remove the networks" bridgectl network rm app other
