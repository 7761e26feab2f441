#!/usr/bin/env bash
# bridgectl restore (issue #8). A reboot is a new throwaway host given a copy of the old one's state
# root and an empty kernel (no bridge, namespace, /etc/netns file, rule or resolver): restore must
# rebuild everything, after which containers talk, names resolve and published ports answer, and a
# second restore changes nothing and says so. A firewall flush inside a live host likewise.
# Runs on both firewall backends; the flushes are each backend's own.
# firewall backends: iptables nftables
source "$(dirname "$0")/lib.sh"
require_bridgectl

start_servers() {
	start_bg ip netns exec api python3 -c "$TCP_SERVER_PY" api 80
	API_SERVER=$BG_PID
	start_bg ip netns exec cache python3 -c "$TCP_SERVER_PY" cache 6379
	CACHE_SERVER=$BG_PID
	start_bg ip netns exec other python3 -c "$TCP_SERVER_PY" other 80
	OTHER_SERVER=$BG_PID
	wait_listening api 80 || true
	wait_listening cache 6379 || true
	wait_listening other 80 || true
}

stop_servers() {
	stop_bg "$API_SERVER"
	stop_bg "$CACHE_SERVER"
	stop_bg "$OTHER_SERVER"
}

# everything_works DESC
everything_works() {
	run bridgectl exec db python3 -c "$TCP_CLIENT_PY" api 80
	expect_contains "$1: db reaches api by name" "$OUT" "hello from api"
	run bridgectl exec db getent hosts api.web
	expect_contains "$1: api.web resolves" "$OUT" "172.18.0.2"
	run python3 -c "$TCP_CLIENT_PY" 127.0.0.1 8080
	expect_contains "$1: api's published port answers on the host" "$OUT" "hello from api"
	run python3 -c "$TCP_CLIENT_PY" 127.0.0.1 6380
	expect_contains "$1: cache's published port (default bridge) answers" "$OUT" "hello from cache"
	run ip netns exec other python3 -c "$TCP_CLIENT_PY" 127.0.0.1 80
	expect_contains "$1: other's server is up" "$OUT" "hello from other"
	run bridgectl exec db python3 -c "$TCP_CLIENT_PY" 172.19.0.2 80 2
	expect_ne "$1: db cannot reach the other network (isolation)" "0" "$RC"
}

# restore_is_a_noop DESC
restore_is_a_noop() {
	local before
	before=$(settled_world_snapshot; firewall_dump)
	run bridgectl restore
	expect_eq "$1: a second restore exits 0" "0" "$RC"
	expect_contains "$1: a second restore says there was nothing to do" "$OUT" "nothing to restore"
	expect_eq "$1: a second restore changes nothing" "$before" \
		"$(settled_world_snapshot; firewall_dump)"
	run bridgectl doctor
	expect_eq "$1: doctor is clean (stdout: $OUT)" "0" "$RC"
}

remove_everything() {
	expect_ok "container rm -f" bridgectl container rm -f api db cache other
	expect_ok "network rm" bridgectl network rm web back other-net
}

if [[ ${1:-} == --after-reboot ]]; then
	section "after a reboot: a new host, the old state root, an empty kernel"
	cp -a "$SAVED_STATE/." "$BRIDGECTL_ROOT/"
	expect_eq "no container namespace exists" "" "$(ip netns list)"
	run bridgectl doctor
	expect_eq "doctor sees what is gone: exit 1" "1" "$RC"
	expect_contains "doctor: the namespace" "$OUT" "container api: namespace api is missing"
	expect_contains "doctor: the bridge" "$OUT" "network web: bridge"
	expect_contains "doctor: the resolver" "$OUT" "the DNS resolver is not running"
	run bridgectl restore --dry-run
	expect_contains "restore --dry-run shows the namespaces it would make" "$OUT" "ip netns add api"
	expect_eq "restore --dry-run makes nothing" "" "$(ip netns list)"
	run bridgectl restore
	expect_eq "restore exits 0 (stderr: $ERR)" "0" "$RC"
	expect_contains "restore says what it rebuilt" "$OUT" "restored"
	expect_contains "restore names the containers" "$OUT" "4 containers"
	expect_eq "the namespaces are back, under their names" "api cache db other" "$(netns_names | sort | tr '\n' ' ' | sed 's/ $//')"
	start_servers
	everything_works "after restore"
	restore_is_a_noop "after a reboot"
	stop_servers
	remove_everything
	exit 0
fi

section "the systemd units"
# systemd-analyze checks keys, sections and dependencies; the binary path is swapped for one that
# exists here (the units name the installed /usr/local/bin/bridgectl).
units_dir=$(mktemp -d /run/units.XXXXXX)
for unit in "$REPO"/scripts/systemd/*.service; do
	sed "s#/usr/local/bin/bridgectl#$BRIDGECTL#" "$unit" >"$units_dir/$(basename "$unit")"
	expect_contains "$(basename "$unit") runs bridgectl restore" "$(cat "$unit")" "ExecStart=/usr/local/bin/bridgectl restore"
done
if command -v systemd-analyze >/dev/null 2>&1; then
	run systemd-analyze verify --man=no "$units_dir"/*.service
	expect_eq "systemd-analyze verify accepts the units (stderr: $ERR)" "0:" "$RC:$ERR"
else
	echo "note: systemd-analyze is not installed; the units' syntax was not checked"
fi
expect_contains "the reload unit follows the firewall services" "$(cat "$REPO/scripts/systemd/bridgectl-firewall-reload.service")" \
	"PartOf=nftables.service firewalld.service"
rm -rf "$units_dir"

section "a live host"
expect_ok "network web" bridgectl network create web --subnet 172.18.0.0/16
expect_ok "network back (internal)" bridgectl network create back --subnet 10.0.0.0/24 --internal
expect_ok "network other" bridgectl network create other-net --subnet 172.19.0.0/16
expect_ok "api on web, publishing 8080" bridgectl container create api --network web -p 8080:80
expect_ok "db on web and back" bridgectl container create db --network web
expect_ok "connect db to back" bridgectl network connect back db
expect_ok "cache on the default bridge, publishing 6380" bridgectl container create cache -p 6380:6379
expect_ok "other on other-net" bridgectl container create other --network other-net
sysctl -qw net.ipv4.ip_forward=1
start_servers
everything_works "before"
restore_is_a_noop "on a healthy host"

section "firewall flushed"
# The NAT rules first (published ports and masquerade gone), then every rule: iptables -F with
# -t nat -F, or nft flush table (the table's sets and chains stay, their rules go).
if [[ $FIREWALL == nftables ]]; then
	for chain in prerouting output postrouting; do nft flush chain ip bridgectl "$chain"; done
else
	iptables -t nat -F
fi
# On a terminal a long restore shows its progress on stderr, erased when done; not in a pipe.
run script -qec "bridgectl restore" /dev/null
expect_contains "restore on a terminal shows progress" "$OUT" "restore: "
expect_contains "restore on a terminal: the line is erased at the end" "$OUT" $'\r\e[K'
run bridgectl doctor
expect_eq "restore on a terminal did the job" "0" "$RC"
if [[ $FIREWALL == nftables ]]; then
	nft flush table ip bridgectl
	expect_eq "nft flush table left no rule in the forward chain" "" \
		"$(nft list chain ip bridgectl forward | grep -vE '^[[:space:]]*(table|chain|type) |^[[:space:]]*}' || true)"
else
	iptables -F
	iptables -t nat -F
fi
run bridgectl restore
expect_eq "restore after every rule was flushed: exit 0" "0" "$RC"
expect_contains "restore after every rule was flushed: says so" "$OUT" "restored"
expect_not_contains "no progress line when stderr is not a terminal" "$ERR" "restore: "
everything_works "after every rule was flushed and restore"
restore_is_a_noop "after every rule was flushed"
nft flush ruleset
run bridgectl restore
expect_eq "restore after nft flush ruleset: exit 0" "0" "$RC"
everything_works "after nft flush ruleset and restore"
restore_is_a_noop "after nft flush ruleset"
if [[ $FIREWALL == nftables ]]; then
	expect_eq "nftables mode: restore wrote nothing of bridgectl's into iptables" "" "$(iptables-save | grep -iE 'bridgectl' || true)"
fi

section "a reboot"
stop_servers
saved=/etc/bridgectl-test-saved-state
rm -rf "$saved"
cp -a "$BRIDGECTL_ROOT" "$saved"
# The new host sees this host's /etc (copy-on-write) but nothing else of it: its own kernel objects,
# /run, /etc/netns and state root.
run in_throwaway_host env SAVED_STATE="$saved" BRIDGECTL="$BRIDGECTL" bash "$0" --after-reboot
printf '%s\n' "$OUT" | sed 's/^/    /'
expect_eq "the rebooted host's checks pass (stderr: $ERR)" "0" "$RC"
expect_contains "the rebooted host ran its checks" "$OUT" "ok - restore exits 0"
rm -rf "$saved"

section "clean-up"
remove_everything
expect_no_firewall_leftovers "nothing of bridgectl's is left in iptables or nftables"
