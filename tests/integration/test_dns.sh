#!/usr/bin/env bash
# Embedded DNS (issue #4): real queries from inside containers with dig, nslookup and glibc,
# names/aliases/round robin/PTR/host.docker.internal, isolation, forwarding to a fake upstream in
# the fake internet, SERVFAIL in bounded time, TCP, malformed input, the resolver's life cycle.
source "$(dirname "$0")/lib.sh"
require_bridgectl
command -v dig >/dev/null || skip "needs dig (Debian dnsutils)"

throwaway_make_internet
# The throwaway host's /etc is an overlay: point its resolver at the fake internet.
echo "nameserver 203.0.113.1" >/etc/resolv.conf

# A stand-in upstream: every A query gets 203.0.113.99, except nx.example.test (NXDOMAIN).
FAKE_DNS_PY='
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1] if len(sys.argv) > 1 else "203.0.113.1", 53))
while True:
    q, a = s.recvfrom(512)
    ident = struct.unpack(">H", q[:2])[0]
    i, labels = 12, []
    while q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode()); i += q[i] + 1
    question = q[12:i + 5]
    if ".".join(labels) == "nx.example.test":
        s.sendto(struct.pack(">HHHHHH", ident, 0x8183, 1, 0, 0, 0) + question, a); continue
    if ".".join(labels) == "big.example.test":  # too large for UDP: truncated, ask over TCP
        s.sendto(struct.pack(">HHHHHH", ident, 0x8380, 1, 0, 0, 0) + question, a); continue
    answer = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + bytes(int(b) for b in (sys.argv[2] if len(sys.argv) > 2 else "203.0.113.99").split("."))
    s.sendto(struct.pack(">HHHHHH", ident, 0x8180, 1, 1, 0, 0) + question + answer, a)
'
start_bg ip netns exec inet python3 -c "$FAKE_DNS_PY"
# Its TCP side: big.example.test whole, 40 A records (about 700 bytes).
FAKE_TCP_DNS_PY='
import socket, struct
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("203.0.113.1", 53)); s.listen(8)
while True:
    c, _ = s.accept(); c.settimeout(3)
    try:
        n = struct.unpack(">H", c.recv(2))[0]; q = b""
        while len(q) < n: q += c.recv(n - len(q))
        i = 12
        while q[i]: i += q[i] + 1
        answers = b"".join(b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([203, 0, 113, k]) for k in range(1, 41))
        r = q[:2] + struct.pack(">HHHHH", 0x8180, 1, 40, 0, 0) + q[12:i + 5] + answers
        c.sendall(struct.pack(">H", len(r)) + r)
    except Exception:
        pass
    c.close()
'
start_bg ip netns exec inet python3 -c "$FAKE_TCP_DNS_PY"

dig_short() { # CONTAINER ARGS... : OUT = dig +short output
	run bridgectl exec "$1" dig +time=6 +tries=1 +short "${@:2}"
}
dig_status() { # CONTAINER ARGS... : OUT = the status word
	run bridgectl exec "$1" dig +time=6 +tries=1 "${@:2}"
	OUT=$(sed -nE 's/.*status: ([A-Z]+).*/\1/p' <<<"$OUT")
}

section "set-up"
expect_ok "network app" bridgectl network create app
expect_ok "network other" bridgectl network create other
expect_ok "serveur on app with alias web" bridgectl container create serveur --network app --alias web
expect_ok "client on app" bridgectl container create client --network app
expect_ok "web2 on app with alias web" bridgectl container create web2 --network app --alias web
expect_ok "isole on other" bridgectl container create isole --network other
expect_ok "plain on the default bridge" bridgectl container create plain
expect_eq "user network: resolv.conf points at the embedded resolver" \
	$'nameserver 127.0.0.11\noptions ndots:0' "$(cat /etc/netns/client/resolv.conf)"
expect_eq "default bridge: resolv.conf copies the host's upstream (no names there)" \
	"nameserver 203.0.113.1" "$(cat /etc/netns/plain/resolv.conf)"
expect_ok "dns status" bridgectl dns status
expect_contains "one resolver serves the user-network namespaces" "$OUT" "in 4 namespace(s)"
expect_contains "dns status lists client's namespace" "$OUT" "namespace client"
run bridgectl dns status --format json
expect_eq "dns status --format json: the namespaces served" "true" "$(json_get "$OUT" '"client" in d["namespaces"]')"
expect_error "dns status: a bad --format" "yaml" bridgectl dns status --format yaml

section "names"
dig_short client serveur
expect_eq "dig serveur (UDP)" "172.18.0.2" "$OUT"
dig_short client SERVEUR.
expect_eq "names are case-insensitive, trailing dot tolerated" "172.18.0.2" "$OUT"
dig_short client +tcp serveur
expect_eq "dig +tcp serveur (TCP)" "172.18.0.2" "$OUT"
dig_short client +tcp +noedns big.example.test
expect_eq "a TCP query whose UDP upstream answer is truncated gets the whole answer (asked again over TCP)" \
	"40" "$(grep -c '^203\.0\.113\.' <<<"$OUT")"
run bridgectl dns status
expect_contains "dns status counts the TCP retry" "$OUT" "truncated answers asked again over TCP 1"
run bridgectl exec client nslookup serveur
expect_contains "nslookup answers from 127.0.0.11" "$OUT" "127.0.0.11"
expect_contains "nslookup finds serveur" "$OUT" "Address: 172.18.0.2"
run bridgectl exec client getent hosts serveur
expect_match "glibc (getent hosts) resolves serveur" '^172\.18\.0\.2 +serveur' "$OUT"
expect_ok "ping by name (the tutorial)" bridgectl exec client ping -c1 -W2 serveur
dig_short client serveur.app
expect_eq "network-qualified name serveur.app" "172.18.0.2" "$OUT"
dig_short client web
expect_eq "an alias shared by two containers gives both" "172.18.0.2 172.18.0.4" "$(sort <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')"
orders=""
for _ in 1 2 3 4; do
	dig_short client web
	orders+="$(head -n1 <<<"$OUT") "
done
expect_match "round robin: the first answer changes between queries" '172\.18\.0\.2.*172\.18\.0\.4|172\.18\.0\.4.*172\.18\.0\.2' "$orders"
dig_short client host.docker.internal
expect_eq "host.docker.internal is the asker's gateway" "172.18.0.1" "$OUT"
dig_short client -x 172.18.0.2
expect_eq "PTR for a container address" "serveur.app." "$OUT"
start=$SECONDS
dig_status client serveur AAAA
expect_eq "AAAA for a known name: NOERROR with no data" "NOERROR" "$OUT"
expect_eq "AAAA answered at once (no stall for glibc)" "0" "$((SECONDS - start > 1 ? 1 : 0))"

section "isolation"
dig_status isole serveur
expect_eq "a container on another network gets NXDOMAIN for serveur" "NXDOMAIN" "$OUT"
dig_status serveur isole
expect_eq "and serveur gets NXDOMAIN for isole (no leak either way)" "NXDOMAIN" "$OUT"

section "forwarding"
dig_short client www.example.com
expect_eq "other names are forwarded to the host's upstream" "203.0.113.99" "$OUT"
dig_status client nx.example.test
expect_eq "the upstream's NXDOMAIN is passed through" "NXDOMAIN" "$OUT"
expect_ok "lost has --dns pointing at a silent address" \
	bridgectl container create lost --network app --dns 203.0.113.77
start=$SECONDS
dig_status lost www.example.com
elapsed=$((SECONDS - start))
expect_eq "no upstream answering: SERVFAIL" "SERVFAIL" "$OUT"
if [[ $elapsed -le 5 ]]; then pass "SERVFAIL within 5 s ($elapsed s)"; else fail "SERVFAIL within 5 s" "took $elapsed s"; fi
dig_short lost serveur
expect_eq "--dns only changes forwarding: container names still resolve" "172.18.0.2" "$OUT"

# A loopback resolver on the host, like systemd-resolved's 127.0.0.53, answering differently.
start_bg python3 -c "$FAKE_DNS_PY" 127.0.0.53 203.0.113.53
echo "nameserver 127.0.0.53" >/etc/resolv.conf
sleep 1.2
dig_short client www.example.org
expect_eq "forwarding follows /etc/resolv.conf to a loopback upstream (queried from the host namespace)" "203.0.113.53" "$OUT"
echo "nameserver 203.0.113.1" >/etc/resolv.conf
sleep 1.2 # the resolver re-reads /etc/resolv.conf at most once a second

section "robustness"
run ip netns exec client python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for junk in [b"", b"\x00", b"\xff" * 11, b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01", bytes(range(256)) * 4]:
    s.sendto(junk, ("127.0.0.11", 53))
c = socket.create_connection(("127.0.0.11", 53), timeout=2)
c.sendall(b"\x00\x00\x00\x05hello\xff\xff")
c.close()
'
dig_short client serveur
expect_eq "after malformed UDP and TCP input the resolver still answers" "172.18.0.2" "$OUT"

section "changes are visible to the next query"
expect_ok "disconnect serveur from app" bridgectl network disconnect app serveur
dig_short client serveur
expect_eq "disconnected: serveur is no longer a local name (forwarded)" "203.0.113.99" "$OUT"
expect_ok "connect serveur back with alias api" bridgectl network connect --alias api app serveur
dig_short client api
expect_match "reconnected with a new alias: api resolves" '^172\.18\.0\.[0-9]+$' "$OUT"
expect_ok "remove web2" bridgectl container rm web2
dig_short client web
expect_eq "removed: web now has only its remaining holder" "" "$(grep -c . <<<"$OUT" | grep -v '^0$' | grep -v '^1$' || true)"

section "the resolver's life"
run bridgectl dns log -n 5
expect_match "dns log shows who asked what and the answer" '^client.*(A|PTR|AAAA)' "$OUT"
run bridgectl dns status
pid=$(awk '/^pid/ { print $2 }' <<<"$OUT")
expect_match "dns status shows the resolver's pid" '^[0-9]+$' "$pid"
supervisor=$(sed -nE 's/^pid [0-9]+ \(supervisor ([0-9]+)\)$/\1/p' <<<"$OUT")
expect_match "dns status names the supervisor" '^[0-9]+$' "$supervisor"
kill -9 "$pid"
# No bridgectl command from here until the answer: the supervisor alone brings DNS back.
killed_at=$(date +%s%N)
answered_ms=
while (($(date +%s%N) - killed_at < 1000000000)); do
	if ip netns exec client dig +time=1 +tries=1 +short @127.0.0.11 serveur 2>/dev/null | grep -q '^172\.18\.0\.'; then
		answered_ms=$((($(date +%s%N) - killed_at) / 1000000))
		break
	fi
	sleep 0.05
done
if [[ -n $answered_ms ]]; then
	pass "worker SIGKILLed: answers again within 1 s with no bridgectl command run (${answered_ms} ms)"
else
	fail "worker SIGKILLed: answers again within 1 s with no bridgectl command run"
fi
run bridgectl dns status
expect_not_contains "a new worker runs" "$OUT" "pid $pid "
expect_contains "dns status counts the restart" "$OUT" "restarts 1, last exit: killed by SIGKILL"
pid=$(awk '/^pid/ { print $2 }' <<<"$OUT")
kill -9 "$supervisor" "$pid"
wait_until 3 bash -c "! kill -0 $pid" || true
run bridgectl dns status
expect_contains "whole resolver killed: the next command, dns status included, brings it back" "$OUT" "running"
expect_not_contains "... as new processes" "$OUT" "supervisor $supervisor)"
dig_short client serveur
expect_match "and names resolve" '^172\.18\.0\.[0-9]+$' "$OUT"
expect_ok "remove every container" bridgectl container rm -f serveur client isole plain lost
run bridgectl dns status
expect_contains "the resolver stops when no container needs it" "$OUT" "not running"
expect_ok "remove networks" bridgectl network rm app other
expect_eq "nothing left in /run/bridgectl" "" "$(ls /run/bridgectl 2>/dev/null)"
