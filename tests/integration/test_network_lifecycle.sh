#!/usr/bin/env bash
# Networks, checked by their real effects on the (throwaway) host: bridges, addresses, MTU,
# IPAM choices, listings and JSON, refusals that leave nothing behind, rm/prune, --dry-run.
source "$(dirname "$0")/lib.sh"
require_bridgectl

section "--dry-run on a fresh host prints commands that run by hand"
# On a fresh host the plan depends on nothing that exists yet, so running its lines in a scratch
# netns (as fresh as this host) must build what a real create builds.
expect_ok "network create --dry-run app-network" bridgectl network create --dry-run app-network
dry=$OUT
expect_ok "the dry-run lines run cleanly in a scratch netns" \
	unshare --net bash -euo pipefail -c "ip link set lo up; $dry; ip -o -4 addr show; iptables-save"
expect_match "run by hand they make a bridge with 172.18.0.1/16" 'inet 172\.18\.0\.1/16 .*scope global br-' "$OUT"

section "network create app-network"
expect_ok "network create app-network" bridgectl network create app-network
app_id=$OUT
expect_match "prints a 64-hex ID" '^[0-9a-f]{64}$' "$app_id"
app_br=br-${app_id:0:12}
if link_exists "$app_br"; then pass "bridge $app_br exists"; else fail "bridge $app_br exists" "$(ip -br link)"; fi
expect_match "$app_br is a bridge" 'bridge' "$(ip -d -o link show dev "$app_br" 2>&1)"
if link_is_up "$app_br"; then pass "$app_br is up"; else fail "$app_br is up" "$(ip -o link show dev "$app_br" 2>&1)"; fi
expect_eq "$app_br has 172.18.0.1/16 (172.17/16 belongs to the default bridge network)" "172.18.0.1/16" "$(addr4 "$app_br" 2>&1)"
expect_eq "$app_br has the default MTU 1500" "1500" "$(cat "/sys/class/net/$app_br/mtu" 2>&1)"

section "network ls"
expect_ok "network ls" bridgectl network ls
ls_out=$OUT
expect_match "header: NETWORK ID, NAME, DRIVER, SCOPE" '^NETWORK ID +NAME +DRIVER +SCOPE *$' "$(head -n1 <<<"$ls_out")"
expect_match "app-network row: 12-hex ID, name, bridge, local" "^${app_id:0:12} +app-network +bridge +local *\$" "$ls_out"
expect_match "built-in bridge is listed" '^[0-9a-f]{12} +bridge +bridge +local *$' "$ls_out"
expect_match "built-in host is listed" '^[0-9a-f]{12} +host +host +local *$' "$ls_out"
expect_match "built-in none is listed" '^[0-9a-f]{12} +none +null +local *$' "$ls_out"
expect_eq "network ls shows 4 networks" 5 "$(grep -c '' <<<"$ls_out")"
expect_ok "network ls -q" bridgectl network ls -q
expect_match "-q prints the 12-hex ID" "^${app_id:0:12}\$" "$OUT"
expect_eq "-q prints only IDs" "" "$(grep -vE '^[0-9a-f]{12}$' <<<"$OUT" || true)"
expect_ok "network ls --filter name=app" bridgectl network ls --filter name=app
expect_contains "filter keeps app-network" "$OUT" "app-network"
expect_not_contains "filter drops none" "$OUT" " none "
expect_ok "network ls --format json" bridgectl network ls --format json
expect_contains "json listing names app-network" "$OUT" '"app-network"'

section "network inspect"
expect_ok "network inspect app-network" bridgectl network inspect app-network
inspect=$OUT
expect_json "inspect is an array of one" "$inspect" '.__len__()' 1
expect_json "Name" "$inspect" '[0]["Name"]' app-network
expect_json "Id" "$inspect" '[0]["Id"]' "$app_id"
expect_json "Driver" "$inspect" '[0]["Driver"]' bridge
expect_json "Scope" "$inspect" '[0]["Scope"]' local
expect_json "Internal" "$inspect" '[0]["Internal"]' false
expect_json "IPAM.Config[0].Subnet" "$inspect" '[0]["IPAM"]["Config"][0]["Subnet"]' 172.18.0.0/16
expect_json "IPAM.Config[0].Gateway" "$inspect" '[0]["IPAM"]["Config"][0]["Gateway"]' 172.18.0.1
expect_json "Containers is empty" "$inspect" '[0]["Containers"]' '{}'
expect_ok "inspect by 12-hex ID prefix" bridgectl network inspect "${app_id:0:12}"
expect_json "the prefix finds app-network" "$OUT" '[0]["Name"]' app-network
expect_error "inspect of an unknown network" no-such-net bridgectl network inspect no-such-net
expect_ok "inspect --format with a template" bridgectl network inspect --format '{{(index .IPAM.Config 0).Gateway}}' app-network
expect_eq "the template picks the gateway" 172.18.0.1 "$OUT"
# 20000 nested parentheses overflowed the parser's stack (SIGSEGV).
open=$(printf '%*s' 20000 '' | tr ' ' '(')
close=$(printf '%*s' 20000 '' | tr ' ' ')')
expect_error "a template nested 20000 deep is refused" "nested more than 100 levels deep" \
	bridgectl network inspect --format "{{${open}.Name${close}}}" app-network

section "second network takes the next /16"
expect_ok "network create other-network" bridgectl network create other-network
other_id=$OUT
expect_eq "br-... of other-network has 172.19.0.1/16" "172.19.0.1/16" "$(addr4 "br-${other_id:0:12}" 2>&1)"
run bridgectl network inspect other-network
expect_json "other-network Subnet" "$OUT" '[0]["IPAM"]["Config"][0]["Subnet"]' 172.19.0.0/16

section "IPAM skips subnets the host already uses"
# A host address in 172.20.0.0/16 and a host route to 172.21.0.0/16: the next network must get
# 172.22.0.0/16.
ip link add ipam-probe type bridge
ip addr add 172.20.5.5/24 dev ipam-probe
ip link set ipam-probe up
ip route add 172.21.0.0/16 dev ipam-probe
expect_ok "network create skip-net" bridgectl network create skip-net
run bridgectl network inspect skip-net
expect_json "skip-net skipped 172.20 (host address) and 172.21 (host route)" "$OUT" '[0]["IPAM"]["Config"][0]["Subnet"]' 172.22.0.0/16
expect_ok "network rm skip-net" bridgectl network rm skip-net
ip link del ipam-probe

section "custom subnet, gateway and ip-range"
expect_ok "network create --subnet --gateway --ip-range" \
	bridgectl network create --subnet 10.10.0.0/24 --gateway 10.10.0.254 --ip-range 10.10.0.128/25 custom-net
custom_id=$OUT
expect_eq "custom bridge has the gateway 10.10.0.254/24" "10.10.0.254/24" "$(addr4 "br-${custom_id:0:12}" 2>&1)"
run bridgectl network inspect custom-net
expect_json "custom Subnet" "$OUT" '[0]["IPAM"]["Config"][0]["Subnet"]' 10.10.0.0/24
expect_json "custom Gateway" "$OUT" '[0]["IPAM"]["Config"][0]["Gateway"]' 10.10.0.254
expect_json "custom IPRange" "$OUT" '[0]["IPAM"]["Config"][0]["IPRange"]' 10.10.0.128/25
expect_ok "container in custom-net" bridgectl container create in-range --network custom-net
in_range=$(addr4 eth0 in-range 2>&1)
expect_match "its address is in the ip-range 10.10.0.128/25 with the subnet's /24" '^10\.10\.0\.(12[89]|1[3-9][0-9]|2[0-4][0-9]|25[0-4])/24$' "$in_range"
expect_ok "container rm in-range" bridgectl container rm -f in-range

section "aux addresses are never handed out"
expect_ok "network create --aux-address" \
	bridgectl network create --subnet 10.11.0.0/24 --aux-address router=10.11.0.2 aux-net
expect_ok "container in aux-net" bridgectl container create aux-c --network aux-net
expect_eq "the first container skips the aux address .2" "10.11.0.3/24" "$(addr4 eth0 aux-c 2>&1)"
expect_ok "container rm aux-c" bridgectl container rm -f aux-c
expect_ok "network rm aux-net" bridgectl network rm aux-net

section "options: bridge name and MTU"
expect_ok "network create -o bridge.name=mybr0" \
	bridgectl network create -o com.docker.network.bridge.name=mybr0 named-net
if link_exists mybr0; then pass "bridge mybr0 exists"; else fail "bridge mybr0 exists" "$(ip -br link)"; fi
expect_eq "mybr0 has the network's gateway" "172.20.0.1/16" "$(addr4 mybr0 2>&1)"
run bridgectl network inspect named-net
expect_json "Options records the bridge name" "$OUT" '[0]["Options"]["com.docker.network.bridge.name"]' mybr0
expect_ok "network create -o driver.mtu=1400" \
	bridgectl network create -o com.docker.network.driver.mtu=1400 mtu-net
mtu_br=br-${OUT:0:12}
expect_match "ip link shows mtu 1400 on $mtu_br" ' mtu 1400 ' "$(ip -o link show dev "$mtu_br" 2>&1)"
expect_ok "container on mtu-net" bridgectl container create mtu-c --network mtu-net
expect_match "the container's eth0 has mtu 1400 too" ' mtu 1400 ' "$(ip -n mtu-c -o link show dev eth0 2>&1)"
expect_ok "container rm mtu-c" bridgectl container rm -f mtu-c

section "bad inputs: one Error line naming the value, nothing left behind"
before=$(settled_world_snapshot)
expect_error "bad CIDR (prefix 33)" 10.0.0.0/33 bridgectl network create --subnet 10.0.0.0/33 bad1
expect_error "bad CIDR (octet 300)" 10.1.2.300/24 bridgectl network create --subnet 10.1.2.300/24 bad2
expect_error "overlapping subnet" 172.18.5.0/24 bridgectl network create --subnet 172.18.5.0/24 bad3
expect_error "gateway outside the subnet" 10.21.0.1 bridgectl network create --subnet 10.20.0.0/24 --gateway 10.21.0.1 bad4
expect_error "ip-range outside the subnet" 10.31.0.0/25 bridgectl network create --subnet 10.30.0.0/24 --ip-range 10.31.0.0/25 bad5
expect_error "bridge name of 16 bytes" abcdefghijklmnop bridgectl network create -o com.docker.network.bridge.name=abcdefghijklmnop bad6
expect_error "unknown -o key" com.docker.network.bogus bridgectl network create -o com.docker.network.bogus=1 bad7
expect_error "bad MTU value" 70000 bridgectl network create -o com.docker.network.driver.mtu=70000 bad8
expect_error "taken name" app-network bridgectl network create app-network
expect_error "bad name (slash)" bad/name bridgectl network create bad/name
expect_error "bad name (leading dot)" .hidden bridgectl network create .hidden
expect_error "a name of a built-in network" bridge bridgectl network create bridge
expect_world "refused creates left no link, netns, file or state entry" "$before"

section "network rm refuses while a container is attached"
expect_ok "container create attached --network app-network" bridgectl container create attached --network app-network
expect_error "network rm app-network while attached" app-network bridgectl network rm app-network
if link_exists "$app_br"; then pass "the bridge is still there"; else fail "the bridge is still there"; fi
expect_eq "the container still has its address" "172.18.0.2/16" "$(addr4 eth0 attached 2>&1)"
run bridgectl network ls
expect_contains "app-network is still listed" "$OUT" app-network
expect_error "the built-in bridge network cannot be removed" bridge bridgectl network rm bridge
expect_ok "container rm attached" bridgectl container rm -f attached

section "network prune"
expect_ok "network create prune-a" bridgectl network create prune-a
expect_ok "network create prune-b" bridgectl network create prune-b
expect_ok "container create keeper --network app-network" bridgectl container create keeper --network app-network
expect_ok "network prune -f" bridgectl network prune -f
pruned=$OUT
for n in prune-a prune-b other-network custom-net named-net mtu-net; do
	expect_match "prune printed $n" "^$n\$" "$pruned"
done
expect_no_match "prune kept app-network (in use)" '^app-network$' "$pruned"
expect_no_match "prune never removes a built-in network" '^(bridge|host|none)$' "$pruned"
run bridgectl network ls
expect_eq "only the built-ins and app-network remain" "app-network bridge host none " "$(awk 'NR > 1 { print $2 }' <<<"$OUT" | sort | tr '\n' ' ')"
if link_absent mybr0 && link_absent "br-${other_id:0:12}"; then pass "pruned bridges are gone"; else fail "pruned bridges are gone" "$(ip -br link)"; fi
expect_ok "container rm keeper" bridgectl container rm -f keeper

section "--dry-run changes nothing and prints runnable commands"
before=$(settled_world_snapshot)
expect_ok "network create --dry-run dry-net" bridgectl network create --dry-run dry-net
dry=$OUT
expect_match "dry-run prints an ip link add ... type bridge line" '^ip link add .*type bridge' "$dry"
expect_match "dry-run prints the gateway address" '^ip (-4 )?addr(ess)? add 172\.19\.0\.1/16 ' "$dry"
expect_eq "every dry-run line is an ip, sysctl -w or iptables command" "" \
	"$(grep -vE '^(ip |sysctl -w |iptables(-restore)? )' <<<"$dry" || true)"
expect_world "dry-run created nothing" "$before"
expect_ok "container create --dry-run" bridgectl container create --dry-run dry-c --network app-network
expect_match "container dry-run prints ip netns add dry-c" '^ip netns add dry-c$' "$OUT"
expect_match "container dry-run prints the veth" '^ip .*link add .*type veth' "$OUT"
expect_world "container dry-run created nothing" "$before"
expect_ok "network rm --dry-run app-network" bridgectl network rm --dry-run app-network
expect_match "rm dry-run prints ip link del" "^ip link del(ete)? (dev )?$app_br" "$OUT"
expect_world "rm dry-run removed nothing" "$before"

section "network rm"
expect_ok "network rm app-network" bridgectl network rm app-network
expect_eq "network rm prints the name" app-network "$OUT"
if wait_until 10 link_absent "$app_br"; then pass "the bridge is gone"; else fail "the bridge is gone" "$(ip -br link)"; fi
expect_error "network rm of an unknown network" app-network bridgectl network rm app-network
