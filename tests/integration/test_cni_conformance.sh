#!/usr/bin/env bash
# bridgectl as a CNI plugin, driven the way cnitool/libcni drive a plugin: CNI_* variables and the
# config on stdin, the result or the error on stdout. VERSION touches nothing; every bad variable
# or config gives the spec's code before any state is touched; ADD -> CHECK -> DEL -> DEL -> GC ->
# STATUS on a namespace made by `ip netns add`, one made by `unshare --net` and bind-mounted
# elsewhere, and a /proc/PID/ns/net one (ctr's); results per spec version; real packets between
# two ADDed namespaces; chaining with Debian's loopback, tuning and portmap plugins.
#
# CNI_CONFORMANCE_PROTOCOL_ONLY=1 runs only the protocol sections (VERSION, errors, install),
# which need no engine: for a branch where the engine part of the plugin is not merged yet.
source "$(dirname "$0")/lib.sh"
require_bridgectl

# cni COMMAND CONFIG [VAR=VALUE...] : runs the plugin like a runtime (no arguments, CNI_* in the
# environment, CONFIG on stdin); sets OUT, ERR and RC like `run`.
cni() {
	local command=$1 config=$2
	shift 2
	RC=0
	env CNI_COMMAND="$command" CNI_PATH=/usr/lib/cni "$@" bridgectl <<<"$config" >"$_LIB_TMP/out" 2>"$_LIB_TMP/err" || RC=$?
	OUT=$(<"$_LIB_TMP/out")
	ERR=$(<"$_LIB_TMP/err")
}

# upstream PLUGIN COMMAND CONFIG [VAR=VALUE...] : the same for one of Debian's plugins.
upstream() {
	local plugin=$1 command=$2 config=$3
	shift 3
	RC=0
	env CNI_COMMAND="$command" CNI_PATH=/usr/lib/cni "$@" "/usr/lib/cni/$plugin" <<<"$config" >"$_LIB_TMP/out" 2>"$_LIB_TMP/err" || RC=$?
	OUT=$(<"$_LIB_TMP/out")
	ERR=$(<"$_LIB_TMP/err")
}

_cni_failure() { # DESC DETAIL...
	fail "$1" "${@:2}" "exit status: $RC" "stdout: $OUT" "stderr: $ERR"
}

# expect_cni_ok DESC COMMAND CONFIG [VAR=VALUE...] : success, nothing on stderr.
expect_cni_ok() {
	local desc=$1
	shift
	cni "$@"
	if [[ $RC -eq 0 && -z $ERR ]]; then pass "$desc"; else _cni_failure "$desc" "expected exit 0 and an empty stderr"; fi
}

# expect_cni_error DESC CODE NAMED COMMAND CONFIG [VAR=VALUE...] : exit 1, stdout one error JSON
# with CODE (and the config's cniVersion, else 1.1.0), stderr one `Error:` line naming NAMED.
expect_cni_error() {
	local desc=$1 code=$2 named=$3 version
	shift 3
	cni "$@"
	version=$(json_get "$2" '.get("cniVersion") if isinstance(d, dict) and d.get("cniVersion") in ("0.4.0", "1.0.0", "1.1.0") else "1.1.0"' 2>/dev/null || echo 1.1.0)
	local problems=() lines
	[[ $RC -eq 1 ]] || problems+=("exit status $RC, expected 1")
	lines=$(printf '%s' "$ERR" | grep -c '' || true)
	[[ $lines -eq 1 && $ERR == "Error: "* ]] || problems+=("stderr is not one 'Error: ' line")
	[[ $ERR == *"$named"* ]] || problems+=("stderr does not name '$named'")
	[[ $(json_get "$OUT" '.get("code")' 2>/dev/null) == "$code" ]] || problems+=("stdout's code is not $code")
	[[ $(json_get "$OUT" '.get("cniVersion")' 2>/dev/null) == "$version" ]] || problems+=("stdout's cniVersion is not $version")
	[[ -n $(json_get "$OUT" '.get("msg")' 2>/dev/null) ]] || problems+=("stdout has no msg")
	[[ $(printf '%s' "$OUT" | grep -c '') -eq 1 ]] || problems+=("stdout is not one line")
	if [[ ${#problems[@]} -eq 0 ]]; then pass "$desc"; else _cni_failure "$desc" "${problems[@]}"; fi
}

conf() { # VERSION NAME [EXTRA-JSON-MEMBERS]
	printf '{"cniVersion":"%s","name":"%s","type":"bridgectl"%s}' "$1" "$2" "${3:+,$3}"
}

section "VERSION answers without touching anything"
untouched=/run/cni-untouched-root
run env BRIDGECTL_ROOT=$untouched CNI_COMMAND=VERSION CNI_NETNS=dummy CNI_IFNAME=dummy bridgectl
expect_eq "VERSION (podman's probe) exits 0" 0 "$RC"
expect_eq "…prints the versions" '{"cniVersion":"1.1.0","supportedVersions":["0.4.0","1.0.0","1.1.0"]}' "$OUT"
expect_eq "…and nothing on stderr" "" "$ERR"
# podman writes the config to stdin and may keep it open: VERSION must not wait to read it.
exec {held}< <(sleep 30)
held_pid=$!
RC=0
OUT=$(BRIDGECTL_ROOT=$untouched CNI_COMMAND=VERSION timeout 5 bridgectl <&"$held") || RC=$?
expect_eq "VERSION answers while stdin stays open" "0 1.1.0" "$RC $(json_get "$OUT" '["cniVersion"]' 2>&1)"
exec {held}<&-
kill "$held_pid" 2>/dev/null || true

section "bad variables and configs give the spec's codes, before any state access"
saved_root=$BRIDGECTL_ROOT
export BRIDGECTL_ROOT=$untouched
ok=$(conf 1.1.0 cninet '"subnet":"10.88.0.0/16","gateway":"10.88.0.1"')
attach=(CNI_CONTAINERID=c1 CNI_NETNS=/run/netns/nowhere CNI_IFNAME=eth0)
expect_cni_error "CNI_COMMAND empty: code 4" 4 CNI_COMMAND "" "$ok"
expect_cni_error "unknown CNI_COMMAND: code 4" 4 ATTACH ATTACH "$ok"
expect_cni_error "ADD without CNI_NETNS: code 4 naming it" 4 CNI_NETNS ADD "$ok" CNI_CONTAINERID=c1 CNI_IFNAME=eth0
expect_cni_error "ADD without any attachment variable names all three" 4 "CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME" ADD "$ok"
expect_cni_error "CHECK without CNI_CONTAINERID: code 4" 4 CNI_CONTAINERID CHECK "$ok" CNI_NETNS=/run/netns/x CNI_IFNAME=eth0
expect_cni_error "DEL without CNI_IFNAME: code 4" 4 CNI_IFNAME DEL "$ok" CNI_CONTAINERID=c1
expect_cni_error "a 16-byte CNI_IFNAME: code 4" 4 eth0123456789abc ADD "$ok" CNI_CONTAINERID=c1 CNI_NETNS=/run/netns/x CNI_IFNAME=eth0123456789abc
expect_cni_error "a CNI_CONTAINERID with a slash: code 4" 4 "a/b" ADD "$ok" CNI_CONTAINERID=a/b CNI_NETNS=/run/netns/x CNI_IFNAME=eth0
expect_cni_error "an unknown CNI_ARGS key without IgnoreUnknown: code 4" 4 FOO ADD "$ok" "${attach[@]}" "CNI_ARGS=FOO=1"
expect_cni_error "a bad IP in CNI_ARGS: code 4" 4 10.88.0.300 ADD "$ok" "${attach[@]}" "CNI_ARGS=IgnoreUnknown=1;IP=10.88.0.300"
expect_cni_error "malformed JSON: code 6" 6 "network config" ADD '{"cniVersion":"1.1.0",' "${attach[@]}"
expect_cni_error "a string mtu: code 6" 6 mtu ADD "$(conf 1.1.0 cninet '"mtu":"1500"')" "${attach[@]}"
expect_cni_error "cniVersion 0.3.1: code 1" 1 0.3.1 ADD "$(conf 0.3.1 cninet)" "${attach[@]}"
expect_cni_error "no cniVersion: code 1" 1 cniVersion ADD '{"name":"cninet","type":"bridgectl"}' "${attach[@]}"
expect_cni_error "no name: code 7" 7 "network name" ADD '{"cniVersion":"1.0.0","type":"bridgectl"}' "${attach[@]}"
expect_cni_error "an invalid name: code 7" 7 "bad/name" ADD "$(conf 1.0.0 bad/name)" "${attach[@]}"
expect_cni_error "an invalid subnet: code 7, in the config's version" 7 10.88.0.0/33 ADD "$(conf 1.0.0 cninet '"subnet":"10.88.0.0/33"')" "${attach[@]}"
expect_cni_error "a gateway outside the subnet: code 7" 7 10.89.0.1 ADD "$(conf 0.4.0 cninet '"subnet":"10.88.0.0/16","gateway":"10.89.0.1"')" "${attach[@]}"
expect_cni_error "an ipam section: code 2 naming it" 2 '"ipam"' ADD "$(conf 1.1.0 cninet '"ipam":{"type":"host-local"}')" "${attach[@]}"
expect_cni_error "an sctp port mapping: code 2" 2 sctp ADD \
	"$(conf 1.1.0 cninet '"runtimeConfig":{"portMappings":[{"hostPort":80,"containerPort":80,"protocol":"sctp"}]}')" "${attach[@]}"
expect_cni_error "CNI_ARGS IP and runtimeConfig.ips disagreeing: code 7" 7 10.88.0.6 ADD \
	"$(conf 1.1.0 cninet '"runtimeConfig":{"ips":["10.88.0.5/16"]}')" "${attach[@]}" "CNI_ARGS=IP=10.88.0.6"
expect_cni_error "CHECK without prevResult: code 7" 7 prevResult CHECK "$ok" "${attach[@]}"
expect_cni_error "a relative stateRoot: code 7 naming it" 7 "'run/cni-relative'" ADD "$(conf 1.1.0 cninet '"stateRoot":"run/cni-relative"')" "${attach[@]}"
expect_cni_error "…on DEL too (it would not know which state to clean)" 7 "'run/cni-relative'" DEL "$(conf 1.1.0 cninet '"stateRoot":"run/cni-relative"')" CNI_CONTAINERID=c1 CNI_IFNAME=eth0
expect_cni_error "an unknown firewall: code 7 naming it" 7 "'pf'" DEL "$(conf 1.1.0 cninet '"firewall":"pf"')" CNI_CONTAINERID=c1 CNI_IFNAME=eth0
expect_cni_error "a stateRoot that is no string: code 6" 6 stateRoot STATUS "$(conf 1.1.0 cninet '"stateRoot":["/run/x"]')"
expect_cni_error "GC with a 1.0.0 config: code 1" 1 GC GC "$(conf 1.0.0 cninet '"cni.dev/valid-attachments":[]')"
expect_cni_error "GC without the valid attachments: code 7" 7 valid-attachments GC "$ok"
expect_cni_error "STATUS with a 0.4.0 config: code 1" 1 STATUS STATUS "$(conf 0.4.0 cninet)"
if [[ -e $untouched ]]; then fail "no error created the state root" "$(find $untouched | head)"; else pass "no error created the state root"; fi
export BRIDGECTL_ROOT=$saved_root

section "scripts/install-cni"
target=$_LIB_TMP/install-root
expect_ok "install-cni --root DIR BINARY" "$REPO/scripts/install-cni" --root "$target" "$BRIDGECTL"
expect_eq "/usr/lib/cni/bridgectl links to the installed binary" "$target/usr/local/bin/bridgectl" "$(readlink "$target/usr/lib/cni/bridgectl")"
expect_eq "/opt/cni/bin/bridgectl links to it too" "$target/usr/local/bin/bridgectl" "$(readlink "$target/opt/cni/bin/bridgectl")"
expect_contains "…and the plugin answers VERSION" "$OUT" '"supportedVersions":["0.4.0","1.0.0","1.1.0"]'
expect_ok "install-cni again (idempotent)" "$REPO/scripts/install-cni" --root "$target" "$BRIDGECTL"
expect_not_contains "…changes nothing" "$OUT" "linked"
rm -f "$target/opt/cni/bin/bridgectl" && echo "not ours" >"$target/opt/cni/bin/bridgectl"
expect_error "install-cni leaves a plugin file that is not a link alone" "$target/opt/cni/bin/bridgectl" "$REPO/scripts/install-cni" --root "$target" "$BRIDGECTL"
rm -rf "$target"

if [[ ${CNI_CONFORMANCE_PROTOCOL_ONLY:-} == 1 ]]; then
	echo "CNI_CONFORMANCE_PROTOCOL_ONLY=1: the engine sections are not run"
	exit 0
fi

section "namespaces made by the runtime"
ip netns add cni-a
mkdir -p /run/cni-ns && touch /run/cni-ns/b
unshare --net=/run/cni-ns/b true
# ctr's kind: a process's own namespace, named by /proc/PID/ns/net only.
start_bg unshare --net sleep 300
task_pid=$BG_PID
_in_own_netns() { [[ $(stat -L -c %i "/proc/$1/ns/net") != "$(stat -L -c %i /proc/self/ns/net)" ]]; }
wait_until 5 _in_own_netns "$task_pid" || die "the task's namespace is its own"
ns_a=/run/netns/cni-a ns_b=/run/cni-ns/b ns_c=/proc/$task_pid/ns/net

net=$(conf 1.1.0 cninet '"subnet":"10.88.0.0/16","gateway":"10.88.0.1","ipMasq":true,"mtu":1500,"capabilities":{"portMappings":true,"ips":true,"mac":true}')

section "ADD (1.1.0) in an ip-netns namespace"
expect_cni_ok "ADD a" ADD "$net" CNI_CONTAINERID=ctr-a CNI_NETNS=$ns_a CNI_IFNAME=eth0 "CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAME=web-a"
result_a=$OUT
expect_json "cniVersion is the config's" "$result_a" '["cniVersion"]' 1.1.0
expect_json "two interfaces" "$result_a" 'len(d["interfaces"])' 2
expect_json "the host veth has no sandbox" "$result_a" '"sandbox" in d["interfaces"][0]' false
expect_json "the container's is eth0" "$result_a" '["interfaces"][1]["name"]' eth0
expect_json "…in CNI_NETNS" "$result_a" '["interfaces"][1]["sandbox"]' "$ns_a"
expect_json "…with the network's MTU (1.1.0)" "$result_a" '["interfaces"][1]["mtu"]' 1500
expect_json "the IP is on interface 1" "$result_a" '["ips"][0]["interface"]' 1
expect_json "…with the gateway" "$result_a" '["ips"][0]["gateway"]' 10.88.0.1
expect_json "1.1.0 IPs have no version" "$result_a" '"version" in d["ips"][0]' false
expect_json "the default route via the gateway" "$result_a" '["routes"]' '[{"dst": "0.0.0.0/0", "gw": "10.88.0.1"}]'
expect_json "the embedded DNS" "$result_a" '["dns"]["nameservers"]' '["127.0.0.11"]'
addr_a=$(json_get "$result_a" '["ips"][0]["address"]' 2>/dev/null || true)
expect_eq "the kernel has the result's address on eth0" "$addr_a" "$(addr4 eth0 cni-a 2>&1)"
expect_eq "…and its MAC" "$(json_get "$result_a" '["interfaces"][1]["mac"]' 2>&1)" \
	"$(ip -n cni-a -o link show dev eth0 2>&1 | grep -oE 'link/ether [0-9a-f:]+' | cut -d' ' -f2)"
expect_match "…and the default route" '^default via 10\.88\.0\.1 dev eth0' "$(ip -n cni-a route show default 2>&1)"
veth_a=$(json_get "$result_a" '["interfaces"][0]["name"]' 2>/dev/null || true)
if link_exists "$veth_a"; then pass "the host veth $veth_a exists"; else fail "the host veth $veth_a exists"; fi
expect_ok "container ls" bridgectl container ls
expect_contains "…shows the runtime's container by K8S_POD_NAME" "$OUT" web-a
expect_ok "network inspect cninet" bridgectl network inspect cninet
expect_contains "…the network was created from the config" "$OUT" '"Subnet": "10.88.0.0/16"'

section "ADD (0.4.0) in an unshare'd namespace bind-mounted elsewhere, with IP and MAC from CNI_ARGS"
net04=${net/\"1.1.0\"/\"0.4.0\"}
expect_cni_ok "ADD b" ADD "$net04" CNI_CONTAINERID=ctr-b CNI_NETNS=$ns_b CNI_IFNAME=eth0 \
	"CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAME=web-b;IP=10.88.0.50;MAC=02:00:0a:58:00:32"
result_b=$OUT
expect_json "cniVersion 0.4.0" "$result_b" '["cniVersion"]' 0.4.0
expect_json "0.4.0 IPs say version 4" "$result_b" '["ips"][0]["version"]' 4
expect_json "0.4.0 interfaces have no mtu" "$result_b" '"mtu" in d["interfaces"][1]' false
expect_json "the static address" "$result_b" '["ips"][0]["address"]' 10.88.0.50/16
expect_eq "the kernel has it" 10.88.0.50/16 "$(nsenter --net=$ns_b ip -o -4 addr show dev eth0 2>&1 | awk '{print $4}')"
expect_match "…and the MAC" 'link/ether 02:00:0a:58:00:32 ' "$(nsenter --net=$ns_b ip -o link show dev eth0 2>&1)"

section "packets between the two"
expect_ok "a pings b by address" ip netns exec cni-a ping -c1 -W2 10.88.0.50
expect_ok "b pings a by address" nsenter --net=$ns_b ping -c1 -W2 "${addr_a%/*}"

section "ADD (1.0.0) in a /proc/PID/ns/net namespace, ctr's way"
net10=${net/\"1.1.0\"/\"1.0.0\"}
expect_cni_ok "ADD c" ADD "$net10" CNI_CONTAINERID=default-c1 CNI_NETNS="$ns_c" CNI_IFNAME=eth0
result_c=$OUT
expect_json "cniVersion 1.0.0" "$result_c" '["cniVersion"]' 1.0.0
expect_json "1.0.0 interfaces have no mtu" "$result_c" '"mtu" in d["interfaces"][1]' false
expect_json "1.0.0 IPs have no version" "$result_c" '"version" in d["ips"][0]' false
expect_json "…and the sandbox is the proc path" "$result_c" '["interfaces"][1]["sandbox"]' "$ns_c"

section "CHECK"
with_prev() { # CONFIG RESULT
	python3 -c 'import json,sys; c=json.loads(sys.argv[1]); c["prevResult"]=json.loads(sys.argv[2]); print(json.dumps(c))' "$1" "$2"
}
expect_cni_ok "CHECK a right after ADD" CHECK "$(with_prev "$net" "$result_a")" CNI_CONTAINERID=ctr-a CNI_NETNS=$ns_a CNI_IFNAME=eth0
expect_eq "…prints nothing" "" "$OUT"
expect_cni_ok "CHECK b (0.4.0)" CHECK "$(with_prev "$net04" "$result_b")" CNI_CONTAINERID=ctr-b CNI_NETNS=$ns_b CNI_IFNAME=eth0
expect_cni_error "CHECK of an unknown attachment: code 3" 3 ghost CHECK "$(with_prev "$net" "$result_a")" CNI_CONTAINERID=ghost CNI_NETNS=$ns_a CNI_IFNAME=eth0
ip -n cni-a route del default
expect_cni_error "CHECK after the default route went: code 102 naming it" 102 "10.88.0.1" CHECK "$(with_prev "$net" "$result_a")" \
	CNI_CONTAINERID=ctr-a CNI_NETNS=$ns_a CNI_IFNAME=eth0

section "a conflicting config and STATUS"
expect_cni_error "ADD with another subnet for cninet: code 101" 101 cninet ADD "$(conf 1.1.0 cninet '"subnet":"10.99.0.0/16"')" \
	CNI_CONTAINERID=ctr-x CNI_NETNS=$ns_a CNI_IFNAME=eth1
expect_cni_ok "STATUS of cninet: ready" STATUS "$net"
expect_eq "…prints nothing" "" "$OUT"
tiny=$(conf 1.1.0 tiny '"subnet":"10.77.0.0/30"')
ip netns add cni-t
expect_cni_ok "ADD into a /30 (its one address)" ADD "$tiny" CNI_CONTAINERID=ctr-t CNI_NETNS=/run/netns/cni-t CNI_IFNAME=eth0
expect_cni_error "STATUS of the full /30: code 50" 50 tiny STATUS "$tiny"
expect_cni_ok "DEL it" DEL "$tiny" CNI_CONTAINERID=ctr-t CNI_NETNS=/run/netns/cni-t CNI_IFNAME=eth0
expect_cni_ok "STATUS: ready again" STATUS "$tiny"

section "chaining: Debian's loopback before, tuning and portmap after"
ip netns add cni-d
chain=$(conf 1.0.0 cninet '"subnet":"10.88.0.0/16","gateway":"10.88.0.1","capabilities":{"portMappings":true}')
env_d=(CNI_CONTAINERID=ctr-d CNI_NETNS=/run/netns/cni-d CNI_IFNAME=eth0)
upstream loopback ADD '{"cniVersion":"1.0.0","name":"cninet","type":"loopback"}' "${env_d[@]}"
expect_eq "loopback ADD" 0 "$RC"
loopback_result=$OUT
expect_cni_ok "bridgectl ADD after it" ADD "$(with_prev "$chain" "$loopback_result")" "${env_d[@]}"
result_d=$OUT
expect_json "the previous interface stays first" "$result_d" '["interfaces"][0]["name"]' lo
expect_json "…and bridgectl's IP points at its own eth0" "$result_d" 'd["interfaces"][d["ips"][-1]["interface"]]["name"]' eth0
tuning='{"cniVersion":"1.0.0","name":"cninet","type":"tuning","sysctl":{"net.ipv4.conf.eth0.accept_local":"1"}}'
upstream tuning ADD "$(with_prev "$tuning" "$result_d")" "${env_d[@]}"
expect_eq "tuning ADD takes bridgectl's result" "0 " "$RC $ERR"
result_d=$OUT
expect_eq "…and set its sysctl in the container" 1 "$(ip netns exec cni-d cat /proc/sys/net/ipv4/conf/eth0/accept_local 2>&1)"
portmap='{"cniVersion":"1.0.0","name":"cninet","type":"portmap","capabilities":{"portMappings":true},"runtimeConfig":{"portMappings":[{"hostPort":18080,"containerPort":80,"protocol":"tcp"}]}}'
upstream portmap ADD "$(with_prev "$portmap" "$result_d")" "${env_d[@]}"
expect_eq "portmap ADD finds the container's address in it" "0 " "$RC $ERR"
result_d=$OUT
addr_d=$(json_get "$result_d" 'd["ips"][-1]["address"].split("/")[0]' 2>/dev/null || true)
expect_match "…and forwards 18080 to it" "--to-destination ${addr_d//./\\.}:80( |$)" "$(iptables-save -t nat 2>&1)"
# No portmap CHECK: Debian's portmap 1.1.1 fails it on any IPv4-only result, looking for its
# IPv6 chain (containernetworking/plugins#819).
expect_cni_ok "bridgectl CHECK with the chain's final result" CHECK "$(with_prev "$chain" "$result_d")" "${env_d[@]}"
upstream portmap DEL "$(with_prev "$portmap" "$result_d")" "${env_d[@]}"
expect_eq "portmap DEL" "0 " "$RC $ERR"
upstream tuning DEL "$(with_prev "$tuning" "$result_d")" "${env_d[@]}"
expect_eq "tuning DEL" "0 " "$RC $ERR"
expect_cni_ok "bridgectl DEL in the chain" DEL "$(with_prev "$chain" "$result_d")" "${env_d[@]}"

section "DEL, DEL again, and what stays the runtime's"
expect_cni_ok "DEL a" DEL "$(with_prev "$net" "$result_a")" CNI_CONTAINERID=ctr-a CNI_NETNS=$ns_a CNI_IFNAME=eth0
expect_eq "…prints nothing" "" "$OUT"
expect_cni_ok "DEL a again" DEL "$net" CNI_CONTAINERID=ctr-a CNI_NETNS=$ns_a CNI_IFNAME=eth0
if wait_until 10 link_absent "$veth_a"; then pass "a's host veth is gone"; else fail "a's host veth is gone"; fi
if [[ -e $ns_a ]] && ip netns list | grep -qw cni-a; then pass "the runtime's namespace stays"; else fail "the runtime's namespace stays"; fi
if link_absent eth0 cni-a; then pass "…without eth0"; else fail "…without eth0"; fi
expect_ok "container ls" bridgectl container ls
expect_not_contains "…no longer shows web-a" "$OUT" web-a
expect_cni_ok "DEL of an attachment never added" DEL "$net" CNI_CONTAINERID=never CNI_NETNS=$ns_a CNI_IFNAME=eth0

section "GC removes what the runtime no longer lists, on the config's network only; DEL after the task exited"
# On tiny, an attachment whose runtime namespace is gone: as stale as can be, but tiny's.
expect_cni_ok "ADD t2 on tiny" ADD "$tiny" CNI_CONTAINERID=ctr-t2 CNI_NETNS=/run/netns/cni-t CNI_IFNAME=eth0 \
	"CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAME=tiny-t2"
ip netns delete cni-t
expect_eq "three runtime containers before GC (b and c on cninet, t2 on tiny)" 3 "$(bridgectl container ls -q | wc -l)"
stop_bg "$task_pid"
expect_cni_ok "GC of cninet keeping only b" GC "$(conf 1.1.0 cninet '"cni.dev/valid-attachments":[{"containerID":"ctr-b","ifname":"eth0"}]')"
expect_ok "container ls" bridgectl container ls --no-trunc
expect_contains "…keeps web-b" "$OUT" web-b
expect_not_contains "…removes c (cninet's, not listed)" "$OUT" default-c1
expect_contains "…keeps tiny's t2, not listed but another network's" "$OUT" tiny-t2
expect_eq "…and only those two" 2 "$(bridgectl container ls -q | wc -l)"
expect_cni_ok "GC of tiny, listing nothing" GC "$(conf 1.1.0 tiny '"cni.dev/valid-attachments":[]')"
expect_ok "container ls" bridgectl container ls --no-trunc
expect_not_contains "…removes tiny's t2" "$OUT" tiny-t2
expect_contains "…and leaves cninet's b alone" "$OUT" web-b
expect_eq "…which is the only one left" 1 "$(bridgectl container ls -q | wc -l)"
expect_cni_ok "DEL c with an empty CNI_NETNS (ctr after the task exited)" DEL "$net10" CNI_CONTAINERID=default-c1 CNI_NETNS= CNI_IFNAME=eth0
expect_cni_ok "DEL b" DEL "$(with_prev "$net04" "$result_b")" CNI_CONTAINERID=ctr-b CNI_NETNS=$ns_b CNI_IFNAME=eth0
expect_cni_ok "DEL b again" DEL "$net04" CNI_CONTAINERID=ctr-b CNI_NETNS=$ns_b CNI_IFNAME=eth0
expect_cni_ok "GC with nothing listed and nothing left" GC "$(conf 1.1.0 cninet '"cni.dev/valid-attachments":[]')"
expect_cni_ok "STATUS after all that" STATUS "$net"

section "parallel ADDs from one runtime"
pids=()
for i in 1 2 3 4 5; do
	ip netns add "cni-p$i"
	env CNI_COMMAND=ADD CNI_CONTAINERID="ctr-p$i" CNI_NETNS="/run/netns/cni-p$i" CNI_IFNAME=eth0 bridgectl <<<"$net" >"$_LIB_TMP/p$i.out" 2>&1 &
	pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
expect_eq "five parallel ADDs succeed" 0 "$failed"
addresses=$(for i in 1 2 3 4 5; do json_get "$(cat "$_LIB_TMP/p$i.out")" '["ips"][0]["address"]' 2>&1; done | sort -u | wc -l)
expect_eq "…with five different addresses" 5 "$addresses"
for i in 1 2 3 4 5; do
	cni DEL "$net" CNI_CONTAINERID="ctr-p$i" CNI_NETNS="/run/netns/cni-p$i" CNI_IFNAME=eth0
	[[ $RC -eq 0 ]] || fail "DEL ctr-p$i" "$OUT" "$ERR"
	ip netns delete "cni-p$i"
done

section "cleaning up what the test itself made"
ip netns delete cni-a
ip netns delete cni-d
umount /run/cni-ns/b && rm -f /run/cni-ns/b
expect_ok "network rm cninet tiny" bridgectl network rm cninet tiny

section "stateRoot and firewall in the config, a DEL with a bare environment"
# One host has one state root (they would share the firewall): the test's has no network left.
other_root=/run/cni-other-root
other=$(conf 1.1.0 elsewhere '"subnet":"10.66.0.0/24","stateRoot":"'$other_root'","firewall":"nftables"')
ip netns add cni-e
expect_cni_ok "ADD with the test's BRIDGECTL_ROOT in the environment" ADD "$other" CNI_CONTAINERID=ctr-e CNI_NETNS=/run/netns/cni-e CNI_IFNAME=eth0 \
	"CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAME=web-e"
expect_ok "container ls --root $other_root" bridgectl --root "$other_root" container ls
expect_contains "…shows it: the config's stateRoot wins" "$OUT" web-e
expect_ok "container ls (the environment's root)" bridgectl container ls -q
expect_eq "…is empty" "" "$OUT"
if nft list tables | grep -qx 'table ip bridgectl'; then pass "the network's rules are in nftables: the config's firewall"; else fail "the network's rules are in nftables: the config's firewall" "$(nft list tables)"; fi
RC=0
env -i CNI_COMMAND=DEL CNI_CONTAINERID=ctr-e CNI_NETNS=/run/netns/cni-e CNI_IFNAME=eth0 "$BRIDGECTL" <<<"$other" >"$_LIB_TMP/out" 2>"$_LIB_TMP/err" || RC=$?
expect_eq "DEL with a bare environment (env -i, as podman's cleanup runs it)" "0 " "$RC $(<"$_LIB_TMP/err")"
expect_ok "container ls --root $other_root" bridgectl --root "$other_root" container ls -q
expect_eq "…is empty: the DEL went to the config's state root" "" "$OUT"
if link_absent eth0 cni-e; then pass "…and eth0 left the runtime's namespace"; else fail "…and eth0 left the runtime's namespace"; fi
expect_ok "network rm elsewhere --root $other_root" bridgectl --root "$other_root" network rm elsewhere
if nft list tables | grep -qx 'table ip bridgectl'; then fail "…takes the nftables table with it" "$(nft list tables)"; else pass "…takes the nftables table with it"; fi
ip netns delete cni-e
