#!/usr/bin/env bash
# The nftables backend's layout (issue #10, in progress) with real packets, before it is wired
# into bridgectl: bridgectl (iptables backend) builds networks and containers, its iptables rules
# are then taken out, and NftPlanner's table is sent in-process by nft-batch-probe for the same
# bridges and addresses. Isolation, ICC off, internal, masquerade, every publish form from
# outside / the host / containers (hairpin), UDP, port ranges, the user chain, unpublish.
source "$(dirname "$0")/lib.sh"
require_bridgectl
command -v nft >/dev/null || skip "needs nft (scripts/install-deps)"
probe=$(dirname "$BRIDGECTL")/nft-batch-probe
[[ -x $probe ]] || skip "no nft-batch-probe next to $BRIDGECTL (built with it by swift build)"

throwaway_make_internet

tcp_from() { # NETNS|host ADDR PORT : sets OUT to the server's line ("hello from X to PEER").
	if [[ $1 == host ]]; then
		run python3 -c "$TCP_CLIENT_PY" "$2" "$3" 2
	else
		run ip netns exec "$1" python3 -c "$TCP_CLIENT_PY" "$2" "$3" 2
	fi
}
expect_tcp() { # DESC FROM ADDR PORT EXPECTED-PEER
	tcp_from "$2" "$3" "$4"
	if [[ $RC -eq 0 && $OUT == *" to $5" ]]; then pass "$1"; else fail "$1" "exit $RC" "out: $OUT" "err: $ERR" "expected peer $5"; fi
}
expect_no_tcp() { # DESC FROM ADDR PORT
	tcp_from "$2" "$3" "$4"
	if [[ $RC -ne 0 ]]; then pass "$1"; else fail "$1" "connected: $OUT"; fi
}
serve() { # NETNS LABEL PORT
	start_bg ip netns exec "$1" python3 -c "$TCP_SERVER_PY" "$2" "$3"
	wait_listening "$1" "$3" || fail "server $2 listens on $3"
}
bridge_of() { json_get "$(bridgectl network inspect "$1")" '[0]["Options"].get("com.docker.network.bridge.name") or "br-" + d[0]["Id"][:12]'; }
subnet_of() { json_get "$(bridgectl network inspect "$1")" '[0]["IPAM"]["Config"][0]["Subnet"]'; }
address_of() { json_get "$(bridgectl container inspect "$1")" "[0][\"NetworkSettings\"][\"Networks\"][\"$2\"][\"IPAddress\"]"; }

section "topology, built by bridgectl"
expect_ok "network n1" bridgectl network create n1
expect_ok "network n2" bridgectl network create n2
expect_ok "network noicc" bridgectl network create -o com.docker.network.bridge.enable_icc=false noicc
expect_ok "network intern" bridgectl network create --internal intern
expect_ok "network nomasq" bridgectl network create -o com.docker.network.bridge.enable_ip_masquerade=false nomasq
expect_ok "a on n1 publishes 8080:80 and 127.0.0.1:9090:80" bridgectl container create a --network n1 -p 8080:80 -p 127.0.0.1:9090:80
expect_ok "b on n1" bridgectl container create b --network n1
expect_ok "c on n2" bridgectl container create c --network n2
expect_ok "f on n1: shifted range 8100-8101:80-81" bridgectl container create f --network n1 -p 8100-8101:80-81
expect_ok "r on n1: equal range 20000-20001" bridgectl container create r --network n1 -p 20000-20001:20000-20001
expect_ok "u on n1: 5353:53/udp" bridgectl container create u --network n1 -p 5353:53/udp
expect_ok "i1 on noicc publishes 8081:80" bridgectl container create i1 --network noicc -p 8081:80
expect_ok "i2 on noicc" bridgectl container create i2 --network noicc
expect_ok "t1 on intern" bridgectl container create t1 --network intern
expect_ok "t2 on intern" bridgectl container create t2 --network intern
expect_ok "m1 on nomasq" bridgectl container create m1 --network nomasq
A=$(address_of a n1) B=$(address_of b n1) F=$(address_of f n1) R=$(address_of r n1) U=$(address_of u n1)
I1=$(address_of i1 noicc) T1=$(address_of t1 intern) T2=$(address_of t2 intern)

section "iptables out, nftables in"
saved_iptables=$(iptables-save)
grep -v BRIDGECTL <<<"$saved_iptables" | iptables-restore
expect_eq "no bridgectl iptables rule left" "" "$(iptables-save | grep -i bridgectl || true)"
serve a a 80
serve inet internet 8000
expect_no_tcp "without either firewall, the published port is closed" inet 203.0.113.2 8080
expect_ok "table" "$probe" skeleton
for spec in "n1" "n2" "noicc icc-off" "intern internal" "nomasq no-masquerade"; do
	read -r name words <<<"$spec"
	# shellcheck disable=SC2086
	expect_ok "network $name" "$probe" network "$name" "$(bridge_of "$name")" "$(subnet_of "$name")" $words
done
expect_ok "publish a 8080:80" "$probe" publish a "$A" 0.0.0.0 8080 80 tcp
expect_ok "publish a 127.0.0.1:9090:80" "$probe" publish a "$A" 127.0.0.1 9090 80 tcp
expect_ok "publish f 8100-8101:80-81" "$probe" publish f "$F" 0.0.0.0 8100-8101 80-81 tcp
expect_ok "publish r 20000-20001" "$probe" publish r "$R" 0.0.0.0 20000-20001 20000-20001 tcp
expect_ok "publish u 5353:53/udp" "$probe" publish u "$U" 0.0.0.0 5353 53 udp
expect_ok "publish i1 8081:80" "$probe" publish i1 "$I1" 0.0.0.0 8081 80 tcp

section "isolation, masquerade, published ports"
expect_tcp "same network: b -> a" b "$A" 80 "$B"
expect_no_tcp "isolation: c (n2) cannot reach a (n1)" c "$A" 80
expect_tcp "masquerade: a -> internet shows the uplink address" a 203.0.113.1 8000 203.0.113.2
expect_tcp "published: internet -> 203.0.113.2:8080 (client address kept)" inet 203.0.113.2 8080 203.0.113.1
expect_no_tcp "loopback-only binding is not reachable from outside" inet 203.0.113.2 9090
expect_tcp "published: host -> 127.0.0.1:8080" host 127.0.0.1 8080 172.18.0.1
expect_tcp "published: host -> 127.0.0.1:9090 (loopback binding)" host 127.0.0.1 9090 172.18.0.1
expect_tcp "published: host -> its own address 203.0.113.2:8080" host 203.0.113.2 8080 172.18.0.1
expect_tcp "hairpin: a -> its own published port" a 203.0.113.2 8080 172.18.0.1
expect_tcp "hairpin: b (same network) -> published port" b 203.0.113.2 8080 172.18.0.1
tcp_from c 203.0.113.2 8080
if [[ $RC -eq 0 && $OUT == "hello from a"* ]]; then pass "other network -> published port"; else fail "other network -> published port" "$OUT" "$ERR"; fi

section "ranges and UDP"
serve f f80 80
serve f f81 81
serve r r20001 20001
tcp_from inet 203.0.113.2 8101
expect_contains "shifted range: 8101 reaches 81" "$OUT" "hello from f81 to 203.0.113.1"
tcp_from inet 203.0.113.2 20001
expect_contains "equal range: 20001 keeps the port" "$OUT" "hello from r20001 to 203.0.113.1"
start_bg ip netns exec u python3 -c '
import socket, sys; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((sys.argv[1], 53))
while True:
    d, a = s.recvfrom(100); s.sendto(b"pong from " + a[0].encode(), a)' "$U"
sleep 0.3
run ip netns exec inet python3 -c '
import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
s.sendto(b"ping", ("203.0.113.2", 5353)); print(s.recvfrom(100)[0].decode())'
expect_eq "UDP published port answers from outside" "pong from 203.0.113.1" "$OUT"

section "icc off, internal, masquerade off"
serve i1 i1 80
expect_no_tcp "icc off: i2 cannot reach i1" i2 "$I1" 80
expect_tcp "icc off: published port still answers from outside" inet 203.0.113.2 8081 203.0.113.1
expect_tcp "icc off: i1 reaches the internet" i1 203.0.113.1 8000 203.0.113.2
serve t1 t1 80
expect_tcp "internal: t2 reaches t1" t2 "$T1" 80 "$T2"
expect_no_tcp "internal: no way out" t1 203.0.113.1 8000
expect_no_tcp "internal: nothing in from another network" a "$T1" 80
expect_no_tcp "masquerade off: no NAT to the internet" m1 203.0.113.1 8000

section "the user chain, unpublish"
expect_ok "a user rule in chain user" nft add rule ip bridgectl user ip saddr "$B" drop
expect_no_tcp "the user's drop applies (b cannot reach the internet)" b 203.0.113.1 8000
expect_ok "the user's rule removed" nft flush chain ip bridgectl user
expect_ok "unpublish a 8080:80" "$probe" unpublish a "$A" 0.0.0.0 8080 80 tcp
expect_no_tcp "unpublished: internet -> 8080 closed" inet 203.0.113.2 8080
expect_tcp "the other binding still answers" host 127.0.0.1 9090 172.18.0.1

section "clean-up"
expect_ok "nftables table deleted" "$probe" teardown
iptables-restore <<<"$saved_iptables"
expect_ok "container rm -f" bridgectl container rm -f a b c f r u i1 i2 t1 t2 m1
expect_ok "network rm" bridgectl network rm n1 n2 noicc intern nomasq
