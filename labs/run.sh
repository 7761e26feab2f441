#!/usr/bin/env bash
# Runs the labs, each in its own `bridgectl sandbox --uplink`, and checks their expectations:
#   labs/run.sh [NAME...]        (default: every labs/*.sh)
# Env: BRIDGECTL (the binary, default .build/release/bridgectl), LAB_TIMEOUT (seconds per lab,
# default 120), BRIDGECTL_LAB_LOGS (folder for the labs' output, default a new /tmp folder).
# One `PASS name` or `FAIL name` per lab (a failing lab's output follows), then
# `labs: N passed, N failed`. Exit status 1 if any lab failed.
set -euo pipefail
labs=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$labs/.." && pwd)
BRIDGECTL=${BRIDGECTL:-$repo/.build/release/bridgectl}
[[ $BRIDGECTL == /* ]] || BRIDGECTL=$PWD/$BRIDGECTL
[[ -x $BRIDGECTL ]] || {
	echo "labs/run.sh: no bridgectl at $BRIDGECTL (build it with scripts/build)" >&2
	exit 2
}
if [[ $(id -u) -ne 0 ]]; then
	echo "labs: skipped, needs root (each lab runs in bridgectl sandbox)"
	exit 0
fi
logs=${BRIDGECTL_LAB_LOGS:-$(mktemp -d /tmp/bridgectl-labs.XXXXXX)}
mkdir -p "$logs"
# `bridgectl` on PATH for the labs, in a folder the sandbox sees (its /run is its own).
bin=$(mktemp -d /tmp/bridgectl-labs-bin.XXXXXX)
trap 'rm -rf "$bin"' EXIT
ln -s "$BRIDGECTL" "$bin/bridgectl"

names=()
if [[ $# -gt 0 ]]; then
	for name in "$@"; do
		name=${name%.sh}
		name=${name##*/}
		[[ -f $labs/$name.sh ]] || {
			echo "no such lab: $labs/$name.sh" >&2
			exit 2
		}
		names+=("$name")
	done
else
	for lab in "$labs"/*.sh; do
		case $(basename "$lab") in run.sh | lib.sh) ;; *) names+=("$(basename "$lab" .sh)") ;; esac
	done
fi

passed=0
failed=0
for name in "${names[@]}"; do
	rc=0
	PATH="$bin:$PATH" timeout -k 10 "${LAB_TIMEOUT:-120}" "$BRIDGECTL" sandbox --uplink -- bash "$labs/$name.sh" \
		>"$logs/$name.log" 2>&1 </dev/null || rc=$?
	if [[ $rc -eq 0 ]] && grep -q "^lab $name: all [0-9]* expectations met" "$logs/$name.log"; then
		passed=$((passed + 1))
		echo "PASS $name ($(grep -o 'all [0-9]* expectations' "$logs/$name.log"))"
	else
		failed=$((failed + 1))
		echo "FAIL $name (exit $rc)"
		tail -n 40 "$logs/$name.log" | sed 's/^/    /'
		echo "    (full output: $logs/$name.log)"
	fi
done
echo "labs: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
