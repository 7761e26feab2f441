#!/usr/bin/env bash
# Runtime-made containers (issue #11, the engine side): namespaces a container runtime made,
# at a path of its own (a bind mount as podman makes, /proc/PID/ns/net as ctr passes), attached
# through the CNI plugin exactly as a runtime calls it. Checked by their real effects: the
# interface named CNI_IFNAME, static address and MAC, names in the embedded DNS, a published
# port, `container ls`/inspect, CHECK, a second ADD refused, a contradicting config refused,
# parallel ADDs, DEL with the namespace gone and twice, GC, doctor and doctor --fix on a
# runtime namespace that went away, and that the runtime's namespace and processes survive DEL.
source "$(dirname "$0")/lib.sh"
require_bridgectl
command -v dig >/dev/null || skip "needs dig (Debian dnsutils)"

# cni COMMAND CONTAINERID NETNS IFNAME CNI_ARGS CONFIG : runs the plugin as a runtime does
# (no arguments, the request in the environment, the config on stdin); sets OUT, ERR, RC.
cni() {
	RC=0
	printf '%s' "$6" | env CNI_COMMAND="$1" CNI_CONTAINERID="$2" CNI_NETNS="$3" CNI_IFNAME="$4" CNI_ARGS="$5" \
		CNI_PATH=/opt/cni/bin bridgectl >"$_LIB_TMP/out" 2>"$_LIB_TMP/err" || RC=$?
	OUT=$(<"$_LIB_TMP/out")
	ERR=$(<"$_LIB_TMP/err")
}

cni VERSION "" "" "" "" '{"cniVersion":"1.1.0"}'
[[ $RC -eq 0 && $OUT == *supportedVersions* ]] || skip "this bridgectl is no CNI plugin yet (the protocol part of #11 is not merged)"

CONFIG='{"cniVersion":"1.1.0","name":"cni0","type":"bridgectl","subnet":"10.88.0.0/16","gateway":"10.88.0.1",
 "capabilities":{"portMappings":true,"aliases":true,"ips":true,"mac":true}}'
WEB_CONFIG='{"cniVersion":"1.1.0","name":"cni0","type":"bridgectl","subnet":"10.88.0.0/16","gateway":"10.88.0.1",
 "runtimeConfig":{"aliases":{"cni0":["webalias"]},
  "portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp","hostIP":"127.0.0.1"}]}}'
WEB_ID=f3c9a1d2b4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f

# The runtime's namespaces: podman-style bind mounts under a private folder of the runtime's.
mkdir -p /run/runtime-ns
mount -t tmpfs runtime-ns /run/runtime-ns
mount --make-private /run/runtime-ns
new_runtime_ns() { # PATH
	touch "$1"
	unshare --net="$1" true
}

section "ADD, ctr style: /proc/PID/ns/net, no pod name"
start_bg unshare --net sleep 600
c1_pid=$BG_PID
c1_ns=/proc/$c1_pid/ns/net
has_own_namespace() { [[ $(readlink "$c1_ns") != "$(readlink /proc/self/ns/net)" ]]; }
wait_until 5 has_own_namespace || die "the runtime's task has its own namespace"
before=$(settled_world_snapshot)
cni ADD default-c1 "$c1_ns" eth0 "" "$CONFIG"
expect_eq "ADD succeeds" 0 "$RC"
expect_json "the result names the interface eth0 in the runtime's namespace" "$OUT" \
	'list(i["name"] for i in d["interfaces"] if i.get("sandbox"))' '["eth0"]'
c1_ip=$(json_get "$OUT" '["ips"][0]["address"]' 2>/dev/null || true)
expect_eq "the first address of the subnet" "10.88.0.2/16" "$c1_ip"
expect_eq "eth0 inside the runtime's namespace holds it" "10.88.0.2/16" \
	"$(nsenter --net="$c1_ns" ip -o -4 addr show dev eth0 | awk '{ print $4 }')"
expect_match "default route via the gateway" '^default via 10\.88\.0\.1 dev eth0' \
	"$(nsenter --net="$c1_ns" ip route show default)"
expect_ok "container ls" bridgectl container ls
expect_match "…names it after the runtime's ID and shows the ID and the netns path" \
	"default-c1 +cni0 +10\.88\.0\.2/16 +default-c1 +$c1_ns" "$OUT"
expect_ok "container inspect default-c1" bridgectl container inspect default-c1
expect_json "…SandboxKey is the runtime's path" "$OUT" '[0]["NetworkSettings"]["SandboxKey"]' "$c1_ns"
expect_json "…Runtime.ContainerID" "$OUT" '[0]["Runtime"]["ContainerID"]' "default-c1"
expect_json "…no resolv.conf of bridgectl's" "$OUT" '[0]["ResolvConfPath"]' ""
if [[ -e /etc/netns/default-c1 ]]; then fail "no /etc/netns files for a runtime's container"; else pass "no /etc/netns files for a runtime's container"; fi
expect_match "bridgectl's mount of it is /run/netns/default-c1" '^default-c1( |$)' "$(ip netns list)"
expect_ok "doctor finds nothing wrong" bridgectl doctor

section "ADD, podman style: a bind mount, K8S_POD_NAME, IP=, MAC=, aliases, a published port"
new_runtime_ns /run/runtime-ns/web
cni ADD "$WEB_ID" /run/runtime-ns/web eth0 "IgnoreUnknown=1;K8S_POD_NAME=web;IP=10.88.0.50;MAC=0a:58:0a:58:00:32" "$WEB_CONFIG"
expect_eq "ADD succeeds" 0 "$RC"
expect_eq "the static address" "10.88.0.50/16" "$(ip -n web -o -4 addr show dev eth0 2>&1 | awk '{ print $4 }')"
expect_match "the static MAC" 'link/ether 0a:58:0a:58:00:32 ' "$(ip -n web -o link show dev eth0 2>&1)"
start_bg ip netns exec web python3 -c "$TCP_SERVER_PY" web 80
web_server_pid=$BG_PID
wait_listening web 80 || fail "server in web listens on 80"
run python3 -c "$TCP_CLIENT_PY" 127.0.0.1 8080
expect_contains "host -> 127.0.0.1:8080 reaches web:80" "$OUT" "hello from web"
run nsenter --net="$c1_ns" dig +time=6 +tries=1 +short @127.0.0.11 web
expect_eq "default-c1 resolves web through the embedded DNS" "10.88.0.50" "$OUT"
run nsenter --net="$c1_ns" dig +time=6 +tries=1 +short @127.0.0.11 webalias
expect_eq "…and its alias" "10.88.0.50" "$OUT"
run nsenter --net=/run/runtime-ns/web dig +time=6 +tries=1 +short @127.0.0.11 default-c1
expect_eq "web resolves default-c1" "10.88.0.2" "$OUT"
expect_ok "ping by address across the bridge" nsenter --net="$c1_ns" ping -c1 -W2 10.88.0.50
expect_ok "bridgectl exec web" bridgectl exec web -- ip -o -4 addr show dev eth0
expect_contains "…runs in the runtime's namespace" "$OUT" "10.88.0.50/16"
expect_ok "explain" bridgectl explain
expect_contains "…draws web" "$OUT" "web"
expect_contains "…and default-c1" "$OUT" "default-c1"

section "CHECK"
cni CHECK "$WEB_ID" /run/runtime-ns/web eth0 "" "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["prevResult"]={"cniVersion":"1.1.0"}; print(json.dumps(d))' "$WEB_CONFIG")"
expect_eq "CHECK of an intact attachment succeeds" 0 "$RC"
ip -n web addr del 10.88.0.50/16 dev eth0
cni CHECK "$WEB_ID" /run/runtime-ns/web eth0 "" "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["prevResult"]={"cniVersion":"1.1.0"}; print(json.dumps(d))' "$WEB_CONFIG")"
expect_ne "CHECK of a changed attachment fails" 0 "$RC"
expect_contains "…naming the missing address" "$OUT$ERR" "10.88.0.50/16"
ip -n web addr add 10.88.0.50/16 dev eth0

section "refusals leave nothing behind"
before_refusals=$(settled_world_snapshot)
cni ADD "$WEB_ID" /run/runtime-ns/web eth0 "K8S_POD_NAME=web" "$CONFIG"
expect_ne "a second ADD of the same container and interface fails" 0 "$RC"
expect_contains "…naming it" "$ERR" "$WEB_ID"
cni ADD another-id /run/runtime-ns/web eth1 "" "$CONFIG"
expect_ne "attaching the same namespace again, under another container ID, fails" 0 "$RC"
expect_contains "…naming the container holding it" "$ERR" "already attached as bridgectl container 'web'"
new_runtime_ns /run/runtime-ns/other
cni ADD other-1 /run/runtime-ns/other eth0 "" '{"cniVersion":"1.1.0","name":"cni0","type":"bridgectl","subnet":"10.99.0.0/16"}'
expect_ne "a config contradicting the network fails" 0 "$RC"
expect_contains "…naming the difference" "$ERR" "subnet is 10.88.0.0/16, the config says 10.99.0.0/16"
cni ADD other-1 /run/runtime-ns/nowhere eth0 "" "$CONFIG"
expect_ne "a namespace path that does not exist fails" 0 "$RC"
expect_contains "…naming it" "$ERR" "/run/runtime-ns/nowhere"
cni ADD other-1 /etc/hostname eth0 "" "$CONFIG"
expect_ne "a path that is no network namespace fails" 0 "$RC"
expect_contains "…saying so" "$ERR" "/etc/hostname"
expect_world "the refused ADDs left nothing" "$before_refusals"

section "parallel ADDs"
pids=()
for i in 1 2 3 4 5 6; do
	new_runtime_ns "/run/runtime-ns/p$i"
	printf '%s' "$CONFIG" | env CNI_COMMAND=ADD CNI_CONTAINERID="par-$i" CNI_NETNS="/run/runtime-ns/p$i" CNI_IFNAME=eth0 \
		CNI_ARGS="K8S_POD_NAME=par$i" CNI_PATH=/opt/cni/bin bridgectl >"$_LIB_TMP/par$i" 2>&1 &
	pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
expect_eq "six ADDs at once all succeed" 0 "$failed"
addresses=$(for i in 1 2 3 4 5 6; do ip -n "par$i" -o -4 addr show dev eth0 | awk '{ print $4 }'; done | sort -u | wc -l)
expect_eq "…with six distinct addresses" 6 "$addresses"
expect_ok "container prune" bridgectl container prune
expect_ok "…leaves the runtime's containers, though no process runs in par1 (theirs to remove)" \
	bridgectl container inspect par1

section "GC"
valid='[{"containerID":"default-c1","ifname":"eth0"},{"containerID":"'$WEB_ID'","ifname":"eth0"}]'
cni GC "" "" "" "" '{"cniVersion":"1.1.0","name":"cni0","type":"bridgectl","cni.dev/valid-attachments":'"$valid"'}'
expect_eq "GC succeeds" 0 "$RC"
expect_ok "container ls -q after GC" bridgectl container ls --format json
expect_eq "…keeps only the valid attachments" "default-c1 web" \
	"$(python3 -c 'import json,sys; print(" ".join(sorted(json.loads(l)["Names"] for l in sys.stdin)))' <<<"$OUT")"
no_eth0_in() { ! nsenter --net="$1" ip link show eth0 >/dev/null 2>&1; }
for i in 1 2 3 4 5 6; do
	if wait_until 5 no_eth0_in "/run/runtime-ns/p$i"; then
		pass "GC removed par$i's interface from the runtime's namespace"
	else
		fail "GC removed par$i's interface from the runtime's namespace"
	fi
done

section "the runtime's namespace goes without a DEL: doctor and doctor --fix"
# A second one publishes a port, and then BRIDGECTL-PORTS loses its rules (as in a firewall
# reload): the repair puts web's rule back, never the dead container's.
start_bg unshare --net sleep 600
dead_pid=$BG_PID
dead_ns=/proc/$dead_pid/ns/net
own_namespace() { [[ $(readlink "$1") != "$(readlink /proc/self/ns/net)" ]]; }
wait_until 5 own_namespace "$dead_ns" || die "the second task has its own namespace"
cni ADD dead-pub "$dead_ns" eth0 "K8S_POD_NAME=deadpub" \
	'{"cniVersion":"1.1.0","name":"cni0","type":"bridgectl","runtimeConfig":{"portMappings":[{"hostPort":8090,"containerPort":80,"protocol":"tcp"}]}}'
expect_eq "ADD deadpub with -p 8090:80" "0 " "$RC $ERR"
stop_bg "$c1_pid"
stop_bg "$dead_pid"
wait_until 5 test ! -e "/proc/$c1_pid" || fail "the runtime's task exited"
wait_until 5 test ! -e "/proc/$dead_pid" || fail "the second task exited"
run bridgectl doctor default-c1
expect_ne "doctor default-c1 finds a difference" 0 "$RC"
expect_contains "…says the runtime's namespace is gone" "$OUT$ERR" "the runtime's namespace $c1_ns is gone"
iptables -t filter -F BRIDGECTL-PORTS
run bridgectl doctor --fix --dry-run
expect_eq "doctor --fix --dry-run prints the repair (exit 1: the host differs)" "1 " "$RC $ERR"
expect_contains "…removes default-c1 (its mount)" "$OUT" "umount /run/netns/default-c1"
expect_contains "…removes deadpub (its mount)" "$OUT" "umount /run/netns/deadpub"
# doctor reads the host again after the removals: a veth still going in the background would be
# taken for an orphan there (and its deletion race the background one).
expect_match "…deleting their veths before it reads the host again, not in the background" '^ip link del veth[0-9a-f]+$' "$OUT"
expect_no_match "…(none with &)" '^ip link del veth[0-9a-f]+ &$' "$OUT"
expect_match "…puts web's lost rule back" '^iptables -t filter -A BRIDGECTL-PORTS .*container=web publish' "$OUT"
expect_no_match "…and never deadpub's" '^iptables .* -[AI] .*container=deadpub ' "$OUT"
expect_ok "doctor --fix" bridgectl doctor --fix
expect_error "…removed the container" default-c1 bridgectl container inspect default-c1
if ip netns list | grep -q '^default-c1'; then fail "…and its mount"; else pass "…and its mount"; fi
expect_error "…and deadpub" deadpub bridgectl container inspect deadpub
rules=$(iptables-save 2>&1)
expect_not_contains "…and no rule of deadpub's is left" "$rules" "container=deadpub "
expect_match "…while web's rule is back" '^-A BRIDGECTL-PORTS .*container=web publish 127\.0\.0\.1:8080->80/tcp' "$rules"

section "DEL"
ip netns exec web true # the runtime's namespace is in use; DEL must not disturb it
cni DEL "$WEB_ID" /run/runtime-ns/web eth0 "" "$WEB_CONFIG"
expect_eq "DEL succeeds" 0 "$RC"
expect_error "…the container is gone" web bridgectl container inspect web
# The host veth is deleted in the background (the kernel's RCU wait is not DEL's): poll.
if wait_until 5 no_eth0_in /run/runtime-ns/web; then pass "…its interface left the runtime's namespace"; else fail "…its interface left the runtime's namespace"; fi
expect_ok "…while the runtime's namespace lives on" nsenter --net=/run/runtime-ns/web true
if kill -0 "$web_server_pid" 2>/dev/null; then pass "…with its process still running"; else fail "…with its process still running"; fi
run python3 -c "$TCP_CLIENT_PY" 127.0.0.1 8080 1
expect_ne "…and its published port is gone" 0 "$RC"
cni DEL "$WEB_ID" /run/runtime-ns/web eth0 "" "$WEB_CONFIG"
expect_eq "a second DEL succeeds" 0 "$RC"
cni DEL never-added "" eth0 "" "$CONFIG"
expect_eq "DEL of an unknown attachment with no netns succeeds" 0 "$RC"
stop_bg "$web_server_pid"

section "DEL after the runtime dropped its namespace"
new_runtime_ns /run/runtime-ns/gone
cni ADD gone-1 /run/runtime-ns/gone eth0 "K8S_POD_NAME=gone" "$CONFIG"
expect_eq "ADD succeeds" 0 "$RC"
umount /run/runtime-ns/gone && rm /run/runtime-ns/gone
cni DEL gone-1 "" eth0 "" "$CONFIG"
expect_eq "DEL with an empty CNI_NETNS succeeds" 0 "$RC"
expect_error "…and removes the container" gone bridgectl container inspect gone

section "ADD again after the namespace went away without a DEL (a restarted container)"
new_runtime_ns /run/runtime-ns/again
cni ADD again-1 /run/runtime-ns/again eth0 "K8S_POD_NAME=again" "$CONFIG"
umount /run/runtime-ns/again && rm /run/runtime-ns/again
new_runtime_ns /run/runtime-ns/again2
cni ADD again-1 /run/runtime-ns/again2 eth0 "K8S_POD_NAME=again" "$CONFIG"
expect_eq "the ADD replaces the stale attachment" 0 "$RC"
expect_ok "nsenter into the new namespace sees eth0" nsenter --net=/run/runtime-ns/again2 ip link show eth0
cni DEL again-1 /run/runtime-ns/again2 eth0 "" "$CONFIG"
expect_eq "DEL succeeds" 0 "$RC"

section "an attachment an older bridgectl indexed without naming it"
# The runtime index entry names the attachment so DEL decodes only its record; one written empty
# (before entries named it) is still found: by its record.
new_runtime_ns /run/runtime-ns/older
cni ADD older-1 /run/runtime-ns/older eth0 "K8S_POD_NAME=older" "$CONFIG"
expect_eq "ADD succeeds" 0 "$RC"
older_id=$(cat "$BRIDGECTL_ROOT/names/older")
expect_eq "…its runtime index entry names it and the attachment" "older older-1 eth0" \
	"$(json_get "$(cat "$BRIDGECTL_ROOT/runtime/$older_id")" '" ".join([d["name"], d["containerID"], d["ifName"]])')"
: >"$BRIDGECTL_ROOT/runtime/$older_id"
cni ADD older-1 /run/runtime-ns/older eth0 "K8S_POD_NAME=older" "$CONFIG"
expect_eq "a second ADD of it is still refused" 1 "$RC"
expect_contains "…as an attachment that exists" "$ERR" "already has interface 'eth0' attached"
cni DEL older-1 /run/runtime-ns/older eth0 "" "$CONFIG"
expect_eq "DEL succeeds" 0 "$RC"
expect_error "…and removes the container" older bridgectl container inspect older
expect_eq "…and its index entry" "" "$(ls "$BRIDGECTL_ROOT/runtime" | grep -x "$older_id" || true)"
umount /run/runtime-ns/older && rm /run/runtime-ns/older

section "STATUS"
cni STATUS "" "" "" "" "$CONFIG"
expect_eq "STATUS: ready" 0 "$RC"
TINY='{"cniVersion":"1.1.0","name":"tiny","type":"bridgectl","subnet":"10.77.0.0/30"}'
new_runtime_ns /run/runtime-ns/tiny
cni ADD tiny-1 /run/runtime-ns/tiny eth0 "" "$TINY"
expect_eq "ADD takes the only address of a /30" 0 "$RC"
cni STATUS "" "" "" "" "$TINY"
expect_ne "STATUS on the full network: not ready" 0 "$RC"
expect_json "…with code 50" "$OUT" '["code"]' 50
expect_contains "…saying the pool is exhausted" "$OUT" "tiny"
cni DEL tiny-1 /run/runtime-ns/tiny eth0 "" "$TINY"
umount /run/runtime-ns/tiny
expect_ok "network rm tiny" bridgectl network rm tiny
# The iptables backend needs iptables-restore: hide it (this host's mount namespace is the test's).
if [[ ${BRIDGECTL_FIREWALL:-iptables} == iptables ]]; then
	restore_bin=$(readlink -f "$(command -v iptables-restore)")
	mount --bind /dev/null "$restore_bin"
	cni STATUS "" "" "" "" "$CONFIG"
	umount "$restore_bin"
	expect_ne "STATUS without iptables-restore: not ready" 0 "$RC"
	expect_contains "…naming it" "$OUT" "iptables-restore is not installed"
fi

section "a runtime's container whose record is corrupt: rm -f spares the runtime's processes"
new_runtime_ns /run/runtime-ns/torn
cni ADD torn-1 /run/runtime-ns/torn eth0 "K8S_POD_NAME=torn" "$CONFIG"
expect_eq "ADD succeeds" 0 "$RC"
torn_id=$(json_get "$(bridgectl container inspect torn)" '[0]["Id"]')
start_bg nsenter --net=/run/runtime-ns/torn sleep 600
torn_pid=$BG_PID
printf '{"id": "%s", "na' "$torn_id" >"$BRIDGECTL_ROOT/containers/$torn_id.json"
expect_ok "container rm -f of the unreadable record" bridgectl container rm -f torn
if kill -0 "$torn_pid" 2>/dev/null; then pass "…leaves the runtime's process running"; else fail "…leaves the runtime's process running"; fi
if wait_until 5 no_eth0_in /run/runtime-ns/torn; then pass "…deletes its interface"; else fail "…deletes its interface"; fi
stop_bg "$torn_pid"
umount /run/runtime-ns/torn

section "clean up"
for i in 1 2 3 4 5 6; do umount "/run/runtime-ns/p$i"; done
umount /run/runtime-ns/web /run/runtime-ns/other /run/runtime-ns/again2
expect_ok "network rm cni0" bridgectl network rm cni0
expect_world "everything the runtime's containers made is gone" "$before"
umount /run/runtime-ns
