#!/usr/bin/env bash
# The CLI's outer shell: help, version, usage errors, the root check, state root selection.
source "$(dirname "$0")/lib.sh"
require_bridgectl

section "help and version"
expect_ok "--help exits 0" bridgectl --help
expect_contains "--help lists the network command" "$OUT" "network"
expect_contains "--help lists the container command" "$OUT" "container"
expect_contains "--help lists exec" "$OUT" "exec"
expect_ok "network --help exits 0" bridgectl network --help
expect_contains "network --help lists create" "$OUT" "create"
expect_ok "container create --help exits 0" bridgectl container create --help
expect_contains "container create --help documents --network" "$OUT" "--network"
expect_ok "--version exits 0" bridgectl --version
expect_match "--version prints a version number" '[0-9]+\.[0-9]+' "$OUT"

section "usage errors"
expect_fail "an unknown subcommand is refused" bridgectl network frobnicate
expect_contains "an unknown subcommand gets a usage message" "$ERR" "Usage"
expect_fail "a missing argument is refused" bridgectl network create
expect_fail "an unknown flag is refused" bridgectl network ls --no-such-flag
for command in "network ls" "container ls" "doctor" "dns status"; do
	# shellcheck disable=SC2086 # the command is two words on purpose
	expect_error "$command: a bad --format is one Error line naming it" "yaml" bridgectl $command --format yaml
done
expect_error "network ls: a bad filter is one Error line naming it" "colour" bridgectl network ls --filter colour=red

section "root check"
# As root we cannot see the message, so drop to `nobody` (setpriv clears every capability with
# the uid change). The binary must be reachable by nobody: copy it to a world-readable place.
if command -v setpriv >/dev/null; then
	cp "$BRIDGECTL" /run/bridgectl-as-nobody
	chmod 0755 /run/bridgectl-as-nobody
	run setpriv --reuid=65534 --regid=65534 --clear-groups /run/bridgectl-as-nobody network ls
	if [[ $RC -eq 126 || $RC -eq 127 || $ERR == *"error while loading shared libraries"* ]]; then
		echo "note: nobody cannot run the binary here (exit $RC: $ERR); root check not tested"
	else
		expect_eq "without privileges: exit 1" 1 "$RC"
		expect_eq "without privileges: the spec's message" \
			"Error: bridgectl must run as root (CAP_NET_ADMIN and CAP_SYS_ADMIN)" "$ERR"
		expect_eq "without privileges: nothing on stdout" "" "$OUT"
	fi
	rm -f /run/bridgectl-as-nobody
fi

section "state root"
expect_ok "network create with BRIDGECTL_ROOT" bridgectl network create basics-net
expect_ok "network ls (BRIDGECTL_ROOT)" bridgectl network ls
expect_contains "the network is listed under BRIDGECTL_ROOT" "$OUT" "basics-net"
mkdir -p /run/other-root
expect_ok "network ls --root OTHER" bridgectl network ls --root /run/other-root
expect_not_contains "another --root has its own state" "$OUT" "basics-net"
expect_contains "another --root still lists the built-in networks" "$OUT" "bridge"
expect_ok "BRIDGECTL_ROOT=OTHER network ls" env BRIDGECTL_ROOT=/run/other-root bridgectl network ls
expect_not_contains "BRIDGECTL_ROOT selects the state root" "$OUT" "basics-net"
expect_ok "network rm" bridgectl network rm basics-net
