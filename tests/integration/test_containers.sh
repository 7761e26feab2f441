#!/usr/bin/env bash
# Containers (named network namespaces), checked by their real effects: interfaces, addresses,
# MACs, routes, /etc/netns files, `ip netns` compatibility, a TCP connection between containers,
# exec/run, multi-network, none/host, connect/disconnect, ls/inspect/rm/prune, the default bridge.
# Isolation between networks belongs to the firewall issue and is not tested here; the traffic
# that is (container to container, host to container) must flow on both firewall backends.
# firewall backends: iptables nftables
source "$(dirname "$0")/lib.sh"
require_bridgectl

section "two containers on app-network"
expect_ok "network create app-network" bridgectl network create app-network
app_id=$OUT
app_br=br-${app_id:0:12}
expect_ok "container create serveur" bridgectl container create serveur --network app-network
serveur_id=$OUT
expect_match "prints a 64-hex ID" '^[0-9a-f]{64}$' "$serveur_id"
expect_ok "container create client" bridgectl container create client --network app-network
client_id=$OUT

expect_match "ip netns list shows serveur" '^serveur( |$)' "$(ip netns list)"
expect_match "ip netns list shows client" '^client( |$)' "$(ip netns list)"
expect_eq "serveur eth0 is 172.18.0.2/16" "172.18.0.2/16" "$(addr4 eth0 serveur 2>&1)"
expect_eq "client eth0 is 172.18.0.3/16" "172.18.0.3/16" "$(addr4 eth0 client 2>&1)"
expect_match "serveur MAC is 02:42:ac:12:00:02" 'link/ether 02:42:ac:12:00:02 ' "$(ip -n serveur -o link show dev eth0 2>&1)"
expect_match "client MAC is 02:42:ac:12:00:03" 'link/ether 02:42:ac:12:00:03 ' "$(ip -n client -o link show dev eth0 2>&1)"
if link_is_up eth0 client; then pass "client eth0 is up"; else fail "client eth0 is up"; fi
if link_is_up lo client; then pass "client lo is up"; else fail "client lo is up"; fi
expect_eq "client has only lo and eth0" "eth0 lo " "$(link_names client 2>&1 | tr '\n' ' ')"
expect_match "client default route via 172.18.0.1 dev eth0" '^default via 172\.18\.0\.1 dev eth0' "$(ip -n client route show default 2>&1)"
ports=$(ip -o link show master "$app_br" 2>&1)
expect_match "serveur's host veth veth${serveur_id:0:7}N is a port of $app_br" ": veth${serveur_id:0:7}[0-9]+@" "$ports"
expect_match "client's host veth veth${client_id:0:7}N is a port of $app_br" ": veth${client_id:0:7}[0-9]+@" "$ports"
expect_match "the host veth is up" "veth${client_id:0:7}[0-9]+@[^:]*: <([^>]*,)?UP[,>]" "$ports"

section "/etc/netns files"
for f in hosts hostname resolv.conf; do
	if [[ -f /etc/netns/client/$f ]]; then pass "/etc/netns/client/$f exists"; else fail "/etc/netns/client/$f exists"; fi
done
expect_match "hosts maps 172.18.0.3 to client" '^172\.18\.0\.3[[:space:]].*\bclient\b' "$(cat /etc/netns/client/hosts 2>&1)"
expect_match "hosts has localhost" '^127\.0\.0\.1[[:space:]].*\blocalhost\b' "$(cat /etc/netns/client/hosts 2>&1)"
expect_eq "hostname defaults to the container name" client "$(cat /etc/netns/client/hostname 2>&1)"
expect_match "resolv.conf has a nameserver" '^nameserver ' "$(cat /etc/netns/client/resolv.conf 2>&1)"

section "ip netns exec and bridgectl exec"
expect_ok "ip netns exec client ip -4 addr" ip netns exec client ip -o -4 addr show dev eth0
expect_contains "ip netns exec sees the container's address" "$OUT" "172.18.0.3/16"
expect_ok "ip netns exec sees the container's hosts file" ip netns exec client cat /etc/hosts
expect_contains "…with the client line" "$OUT" "client"
expect_ok "bridgectl exec client -- ip -o -4 addr" bridgectl exec client -- ip -o -4 addr show dev eth0
expect_contains "exec runs inside the container" "$OUT" "172.18.0.3/16"
expect_ok "bridgectl exec without -- (as in the issue)" bridgectl exec client ping -c1 -W2 172.18.0.2
expect_contains "ping client -> serveur answers" "$OUT" "1 received"
expect_ok "exec sees the container's /etc/hostname" bridgectl exec client -- cat /etc/hostname
expect_eq "…which is the container's" client "$OUT"
expect_ok "exec sees /sys of the container" bridgectl exec client -- ls /sys/class/net
expect_eq "…listing only its own interfaces" "eth0 lo" "$(sort <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')"
expect_status "exec returns the command's exit status" 7 bridgectl exec client -- sh -c 'exit 7'
# shellcheck disable=SC2016 # expanded by the shell inside the container
expect_ok "exec -e K=V" bridgectl exec -e GREETING=bonjour client -- sh -c 'echo "$GREETING"'
expect_eq "…sets the variable" bonjour "$OUT"
expect_error "exec in an unknown container" ghost bridgectl exec ghost -- true

section "TCP between containers"
start_bg bridgectl exec serveur -- python3 -c "$TCP_SERVER_PY" serveur 8080
server_pid=$BG_PID
if wait_listening serveur 8080; then pass "server listens on 8080 in serveur"; else fail "server listens on 8080 in serveur"; fi
expect_ok "client connects to 172.18.0.2:8080" timeout 10 bridgectl exec client -- python3 -c "$TCP_CLIENT_PY" 172.18.0.2 8080
expect_eq "the server saw the client's address" "hello from serveur to 172.18.0.3" "$OUT"
expect_ok "the host reaches serveur through the bridge" timeout 10 python3 -c "$TCP_CLIENT_PY" 172.18.0.2 8080
expect_eq "…from the gateway address" "hello from serveur to 172.18.0.1" "$OUT"
# Stopping bridgectl exec leaves the server running in serveur: `container rm -f` must kill it.
stop_bg "$server_pid"

section "--ip, --hostname, --add-host, --dns, --dns-search"
expect_ok "container create fixed --ip 172.18.0.50 --hostname myhost ..." \
	bridgectl container create fixed --network app-network --ip 172.18.0.50 --hostname myhost \
	--add-host db:1.2.3.4 --add-host gw:host-gateway --dns 9.9.9.9 --dns-search example.org
expect_eq "fixed eth0 is 172.18.0.50/16" "172.18.0.50/16" "$(addr4 eth0 fixed 2>&1)"
expect_match "fixed MAC follows the address" 'link/ether 02:42:ac:12:00:32 ' "$(ip -n fixed -o link show dev eth0 2>&1)"
expect_eq "hostname file has myhost" myhost "$(cat /etc/netns/fixed/hostname 2>&1)"
hosts=$(cat /etc/netns/fixed/hosts 2>&1)
expect_match "hosts: --add-host db:1.2.3.4" '^1\.2\.3\.4[[:space:]]+db$' "$hosts"
expect_match "hosts: --add-host gw:host-gateway is the gateway" '^172\.18\.0\.1[[:space:]]+gw$' "$hosts"
expect_match "hosts: the container's own address" '^172\.18\.0\.50[[:space:]]' "$hosts"
resolv=$(cat /etc/netns/fixed/resolv.conf 2>&1)
# On a user-defined network the embedded DNS answers (and forwards to the --dns servers); the
# default bridge network has no embedded DNS, so --dns lands in resolv.conf itself (as in Docker).
expect_match "resolv.conf on a user network points at the embedded DNS" '^nameserver 127\.0\.0\.11$' "$resolv"
expect_match "resolv.conf: --dns-search" '^search .*example\.org' "$resolv"
before=$(settled_world_snapshot)
expect_error "--ip already taken" 172.18.0.50 bridgectl container create dup --network app-network --ip 172.18.0.50
expect_error "--ip outside the subnet" 10.9.9.9 bridgectl container create outside --network app-network --ip 10.9.9.9
expect_error "--ip is the gateway" 172.18.0.1 bridgectl container create gwip --network app-network --ip 172.18.0.1
expect_error "a taken container name" client bridgectl container create client --network app-network
expect_error "a bad container name" bad/name bridgectl container create bad/name --network app-network
expect_error "an unknown network" no-such-net bridgectl container create lost --network no-such-net
expect_error "a bad --add-host" nocolon bridgectl container create badhost --network app-network --add-host nocolon
expect_world "refused creates left nothing behind" "$before"

section "multi-network containers"
expect_ok "network create n1" bridgectl network create n1
expect_ok "network create n2" bridgectl network create n2
expect_ok "network create --internal int1" bridgectl network create --internal int1
n1_sub=$(json_get "$(bridgectl network inspect n1)" '[0]["IPAM"]["Config"][0]["Subnet"]' || true)
n1_gw=$(json_get "$(bridgectl network inspect n1)" '[0]["IPAM"]["Config"][0]["Gateway"]' || true)
n2_gw=$(json_get "$(bridgectl network inspect n2)" '[0]["IPAM"]["Config"][0]["Gateway"]' || true)
expect_ok "container create multi --network n1 --network n2" bridgectl container create multi --network n1 --network n2
expect_eq "multi has eth0, eth1 and lo" "eth0 eth1 lo " "$(link_names multi 2>&1 | tr '\n' ' ')"
expect_eq "eth0 is on n1" "${n1_gw%.1}.2/16" "$(addr4 eth0 multi 2>&1)"
expect_eq "eth1 is on n2" "${n2_gw%.1}.2/16" "$(addr4 eth1 multi 2>&1)"
expect_match "default route via n1's gateway" "^default via ${n1_gw//./\\.} dev eth0" "$(ip -n multi route show default 2>&1)"
expect_eq "n1 subnet for the record" "${n1_gw%.1}.0/16" "$n1_sub"
expect_ok "container create m2 --network int1 --network n2" bridgectl container create m2 --network int1 --network n2
expect_match "default route via the first NON-internal network (n2, eth1)" "^default via ${n2_gw//./\\.} dev eth1" "$(ip -n m2 route show default 2>&1)"
expect_ok "container create only-internal --network int1" bridgectl container create only-internal --network int1
expect_eq "a container only on an internal network has no default route" "" "$(ip -n only-internal route show default 2>&1)"

section "network connect / disconnect"
expect_ok "network connect n2 client" bridgectl network connect n2 client
expect_match "client got eth1 on n2" "^${n2_gw%.1}\\.[0-9]+/16\$" "$(addr4 eth1 client 2>&1)"
run bridgectl network inspect n2
expect_contains "network inspect n2 lists client" "$OUT" '"client"'
run bridgectl container inspect client
expect_json "container inspect shows the n2 endpoint" "$OUT" '[0]["NetworkSettings"]["Networks"]["n2"]["Gateway"]' "$n2_gw"
expect_error "connecting twice is refused" n2 bridgectl network connect n2 client
expect_ok "network disconnect n2 client" bridgectl network disconnect n2 client
if link_absent eth1 client; then pass "eth1 is gone from client"; else fail "eth1 is gone from client"; fi
run bridgectl container inspect client
expect_json "container inspect no longer has n2" "$OUT" '"n2" in d[0]["NetworkSettings"]["Networks"]' false
expect_error "disconnecting a network it is not on" n2 bridgectl network disconnect n2 client
expect_ok "network connect --ip 172.X.0.77 n2 client" bridgectl network connect --ip "${n2_gw%.1}.77" n2 client
expect_eq "eth1 has the requested address" "${n2_gw%.1}.77/16" "$(addr4 eth1 client 2>&1)"
expect_ok "network disconnect n2 client (again)" bridgectl network disconnect n2 client
expect_match "client's default route is still via app-network" '^default via 172\.18\.0\.1 dev eth0' "$(ip -n client route show default 2>&1)"

section "--network none and --network host"
expect_ok "container create lonely --network none" bridgectl container create lonely --network none
expect_match "ip netns list shows lonely" '^lonely( |$)' "$(ip netns list)"
expect_eq "lonely has only lo" "lo " "$(link_names lonely 2>&1 | tr '\n' ' ')"
if link_is_up lo lonely; then pass "lonely's lo is up"; else fail "lonely's lo is up"; fi
expect_ok "container create hosty --network host" bridgectl container create hosty --network host
expect_ok "exec in a host-network container" bridgectl exec hosty -- readlink /proc/self/ns/net
expect_eq "hosty runs in the host's network namespace" "$(readlink /proc/self/ns/net)" "$OUT"
expect_ok "container rm hosty" bridgectl container rm hosty
if link_exists "$app_br" && link_exists lo; then pass "removing a host-network container leaves the host's links"; else fail "removing a host-network container leaves the host's links"; fi
expect_ok "container rm lonely" bridgectl container rm lonely

section "container ls and inspect"
expect_ok "container ls" bridgectl container ls
ls_out=$OUT
expect_match "ls lists serveur with its 12-hex ID" "^${serveur_id:0:12} +serveur( |$)" "$ls_out"
expect_match "ls lists client" "^${client_id:0:12} +client( |$)" "$ls_out"
expect_ok "container ls -q" bridgectl container ls -q
expect_match "ls -q prints client's 12-hex ID" "^${client_id:0:12}\$" "$OUT"
expect_ok "container ls --format json" bridgectl container ls --format json
expect_contains "json listing names client" "$OUT" '"client"'
expect_ok "container inspect client" bridgectl container inspect client
ci=$OUT
expect_json "Id" "$ci" '[0]["Id"]' "$client_id"
expect_json "Networks.app-network.IPAddress" "$ci" '[0]["NetworkSettings"]["Networks"]["app-network"]["IPAddress"]' 172.18.0.3
expect_json "Networks.app-network.IPPrefixLen" "$ci" '[0]["NetworkSettings"]["Networks"]["app-network"]["IPPrefixLen"]' 16
expect_json "Networks.app-network.Gateway" "$ci" '[0]["NetworkSettings"]["Networks"]["app-network"]["Gateway"]' 172.18.0.1
expect_json "Networks.app-network.MacAddress" "$ci" '[0]["NetworkSettings"]["Networks"]["app-network"]["MacAddress"]' 02:42:ac:12:00:03
expect_json "Networks.app-network.NetworkID" "$ci" '[0]["NetworkSettings"]["Networks"]["app-network"]["NetworkID"]' "$app_id"
expect_ok "container inspect by ID prefix" bridgectl container inspect "${client_id:0:12}"
expect_json "the prefix finds client" "$OUT" '[0]["Id"]' "$client_id"
run bridgectl network inspect app-network
expect_json "network inspect lists client's IPv4Address (CIDR)" "$OUT" \
	'[0]["Containers"]["'"$client_id"'"]["IPv4Address"]' 172.18.0.3/16
expect_json "…and its MacAddress" "$OUT" '[0]["Containers"]["'"$client_id"'"]["MacAddress"]' 02:42:ac:12:00:03

section "run"
before_ls=$(bridgectl container ls -q | sort)
expect_ok "run --rm --network app-network -- ip -4 addr" bridgectl run --rm --network app-network -- ip -o -4 addr show dev eth0
expect_match "run printed the new container's address" 'inet 172\.18\.0\.[0-9]+/16' "$OUT"
expect_eq "run --rm left no container" "$before_ls" "$(bridgectl container ls -q | sort)"
expect_status "run returns the command's exit status" 5 bridgectl run --rm --network app-network -- sh -c 'exit 5'
expect_ok "run --name r1 (kept)" bridgectl run --name r1 --network app-network -- true
expect_match "r1 stays without --rm" '^r1( |$)' "$(ip netns list)"
expect_ok "run -d --name d1 -- sleep 300" timeout 10 bridgectl run -d --name d1 --network app-network -- sleep 300
expect_match "run -d prints the ID" '^[0-9a-f]{64}$' "$OUT"
expect_ne "run -d leaves a process running inside d1" "" "$(ip netns pids d1 2>&1)"

section "the default bridge network"
expect_eq "bridgectl0 does not exist before first use" "absent" "$(link_exists bridgectl0 && echo present || echo absent)"
expect_ok "container create b1 (no --network)" bridgectl container create b1
if link_exists bridgectl0; then pass "first use creates bridgectl0"; else fail "first use creates bridgectl0" "$(ip -br link)"; fi
expect_eq "bridgectl0 has 172.17.0.1/16" "172.17.0.1/16" "$(addr4 bridgectl0 2>&1)"
expect_eq "b1 eth0 is 172.17.0.2/16" "172.17.0.2/16" "$(addr4 eth0 b1 2>&1)"
expect_match "b1 default route via 172.17.0.1" '^default via 172\.17\.0\.1 dev eth0' "$(ip -n b1 route show default 2>&1)"
expect_ok "container create b2 --dns 9.9.9.9" bridgectl container create b2 --dns 9.9.9.9
expect_eq "b2 eth0 is 172.17.0.3/16" "172.17.0.3/16" "$(addr4 eth0 b2 2>&1)"
expect_match "on the default bridge --dns is b2's nameserver" '^nameserver 9\.9\.9\.9$' "$(cat /etc/netns/b2/resolv.conf 2>&1)"
run bridgectl network inspect bridge
expect_contains "network inspect bridge lists b1" "$OUT" '"b1"'
expect_ok "container rm b1" bridgectl container rm b1
if link_exists bridgectl0; then pass "bridgectl0 stays while b2 uses it"; else fail "bridgectl0 stays while b2 uses it"; fi
expect_ok "container rm b2" bridgectl container rm b2
if wait_until 10 link_absent bridgectl0; then pass "removing the last container deletes bridgectl0"; else fail "removing the last container deletes bridgectl0"; fi
run bridgectl network ls
expect_match "bridge is still listed" '^[0-9a-f]{12} +bridge ' "$OUT"

section "container rm"
d1_pids=$(ip netns pids d1 2>/dev/null || true)
expect_ok "container rm -f d1 kills what runs inside" bridgectl container rm -f d1
for p in $d1_pids; do
	if wait_until 3 test ! -e "/proc/$p"; then pass "process $p of d1 is gone"; else fail "process $p of d1 is gone"; fi
done
if [[ ! -e /run/netns/d1 && ! -e /etc/netns/d1 ]]; then pass "d1's netns and /etc/netns/d1 are gone"; else fail "d1's netns and /etc/netns/d1 are gone"; fi
expect_error "container rm of an unknown container" ghost bridgectl container rm ghost
# serveur still runs the TCP server started through exec: -f kills it.
expect_ok "container rm -f serveur client" bridgectl container rm -f serveur client
expect_eq "rm prints the names" "serveur client" "$(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')"
for n in serveur client; do
	if [[ ! -e /run/netns/$n && ! -e /etc/netns/$n ]]; then pass "$n's netns and /etc/netns/$n are gone"; else fail "$n's netns and /etc/netns/$n are gone"; fi
	expect_no_match "ip netns list no longer shows $n" "^$n( |\$)" "$(ip netns list)"
done
if wait_until 10 _no_veth_of "$serveur_id"; then pass "serveur's host veth is gone"; else fail "serveur's host veth is gone" "$(ip -br link)"; fi

section "container prune"
expect_ok "run -d --name busy -- sleep 300" timeout 10 bridgectl run -d --name busy --network app-network -- sleep 300
expect_ok "container create idle1" bridgectl container create idle1 --network app-network
expect_ok "container prune" bridgectl container prune
pruned=$OUT
for n in idle1 fixed multi m2 only-internal r1; do
	expect_match "prune removed idle $n" "^$n\$" "$pruned"
	if [[ ! -e /run/netns/$n ]]; then pass "$n's netns is gone"; else fail "$n's netns is gone"; fi
done
expect_no_match "prune kept busy (a process runs inside)" '^busy$' "$pruned"
if [[ -e /run/netns/busy ]]; then pass "busy's netns is still there"; else fail "busy's netns is still there"; fi
expect_ok "container rm -f busy" bridgectl container rm -f busy

section "teardown"
expect_ok "network rm everything" bridgectl network rm app-network n1 n2 int1
expect_no_firewall_leftovers "no rule or table of bridgectl's is left ($FIREWALL backend)"
