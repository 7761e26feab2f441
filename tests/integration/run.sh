#!/usr/bin/env bash
# Integration suite runner.
#
#   tests/integration/run.sh [TEST...]      (TEST: test_foo or test_foo.sh; default: all)
#
# A test whose file has the line `# firewall backends: iptables nftables` runs once per backend,
# in a throwaway host of its own each time: `test_foo` with the default (iptables), then
# `test_foo[nftables]` with BRIDGECTL_FIREWALL=nftables (lib.sh's firewall_* helpers read
# whichever backend is in use). `test_foo[nftables]` as a TEST runs only that one; every other
# test runs on the default backend only (BRIDGECTL_FIREWALL is cleared for it).
#
# Env: BRIDGECTL (binary, default $repo/.build/release/bridgectl), TEST_TIMEOUT (seconds per test,
# default 300), BRIDGECTL_TEST_LOGS (folder for per-test logs, default a new /tmp folder).
#
# First the harness proves on the real host that a throwaway host (`bridgectl sandbox`) leaves
# nothing behind (harness_selftest.sh); only then is each test_*.sh run, each in its OWN
# `bridgectl sandbox` so that no test can see or break another's kernel objects. Output: one `PASS name`, `FAIL name` or
# `SKIP name: reason` per test (a failing test's checks follow it), and the last line is
# `N passed, N failed, N skipped`. Exit status 1 if any test failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

BRIDGECTL=${BRIDGECTL:-$repo/.build/release/bridgectl}
# Tests run from other folders: make the path absolute relative to where we were called.
[[ $BRIDGECTL == /* ]] || BRIDGECTL=$PWD/$BRIDGECTL
export BRIDGECTL
timeout_s=${TEST_TIMEOUT:-300}
logs=${BRIDGECTL_TEST_LOGS:-$(mktemp -d /tmp/bridgectl-itest.XXXXXX)}
mkdir -p "$logs"

# The backends a test file declares (the default one when it declares none).
backends_of() {
	local line
	line=$(sed -n 's/^# firewall backends: *//p' "$1" | head -n1)
	echo "${line:-iptables}"
}

# Runs to make, each "FILE<tab>BACKEND": the first backend a file declares is the default one, run
# under the file's own name; the others under test_foo[BACKEND].
runs=()
add_runs() { # FILE [BACKEND]
	local backend
	for backend in $(backends_of "$1"); do
		if [[ -z ${2-} || $2 == "$backend" ]]; then
			runs+=("$1"$'\t'"$backend")
		fi
	done
}
if [[ $# -gt 0 ]]; then
	for name in "$@"; do
		backend=
		if [[ $name =~ ^(.*)\[([a-z]+)\]$ ]]; then
			name=${BASH_REMATCH[1]}
			backend=${BASH_REMATCH[2]}
		fi
		name=${name%.sh}
		name=${name##*/}
		[[ -f $here/$name.sh ]] || {
			echo "no such test: $here/$name.sh" >&2
			exit 2
		}
		if [[ -n $backend ]] && ! grep -qw -- "$backend" <<<"$(backends_of "$here/$name.sh")"; then
			echo "$name does not run on the $backend backend (its '# firewall backends:' line)" >&2
			exit 2
		fi
		add_runs "$here/$name.sh" "$backend"
	done
else
	for t in "$here"/test_*.sh; do
		[[ -e $t ]] && add_runs "$t"
	done
fi

passed=0
failed=0
skipped=0

# A failing test's log: its failed checks and how it ended are enough to act on; the full log is
# kept on disk. Short logs are shown whole.
show_log() {
	local log=$1
	if [[ $(wc -l <"$log") -le 120 ]]; then
		sed 's/^/    /' "$log"
	else
		grep -E -A12 '^(not ok|aborted:)' "$log" | head -n 300 | sed 's/^/    /'
		echo "    ..."
		tail -n 15 "$log" | sed 's/^/    /'
	fi
	echo "    (full log: $log)"
}

report() { # report STATUS NAME LOG RC [REASON]
	local status=$1 name=$2 log=$3 rc=$4 reason=${5-}
	case $status in
	PASS)
		passed=$((passed + 1))
		echo "PASS $name"
		;;
	SKIP)
		skipped=$((skipped + 1))
		echo "SKIP $name: $reason"
		;;
	FAIL)
		failed=$((failed + 1))
		echo "FAIL $name${reason:+ ($reason)}"
		[[ -n $log && -s $log ]] && show_log "$log"
		;;
	esac
	: "$rc"
}

run_name() { # FILE BACKEND
	local name
	name=$(basename "$1" .sh)
	if [[ $2 == "$(backends_of "$1" | awk '{ print $1 }')" ]]; then
		echo "$name"
	else
		echo "$name[$2]"
	fi
}

if [[ $(id -u) -ne 0 ]]; then
	report SKIP harness_selftest "" 0 "needs root: creates network namespaces"
	for r in "${runs[@]}"; do
		IFS=$'\t' read -r t backend <<<"$r"
		report SKIP "$(run_name "$t" "$backend")" "" 0 "needs root: creates network namespaces"
	done
	echo "$passed passed, $failed failed, $skipped skipped"
	exit 0
fi

echo "bridgectl under test: $BRIDGECTL"
[[ -x $BRIDGECTL ]] || {
	echo "no bridgectl binary at $BRIDGECTL (build it with scripts/build): every test runs in its \`bridgectl sandbox\`" >&2
	exit 2
}
echo "logs: $logs"

# The harness is what keeps the real host safe: if it does not prove itself, run nothing.
rc=0
timeout -k 10 60 bash "$here/harness_selftest.sh" >"$logs/harness_selftest.log" 2>&1 </dev/null || rc=$?
if [[ $rc -eq 0 ]]; then
	report PASS harness_selftest "" 0
	harness_ok=1
else
	report FAIL harness_selftest "$logs/harness_selftest.log" "$rc" "exit $rc"
	harness_ok=0
fi

for r in "${runs[@]}"; do
	IFS=$'\t' read -r t backend <<<"$r"
	name=$(run_name "$t" "$backend")
	log=$logs/${name//[\[\]]/.}
	log=${log%.}.log
	if [[ $backend == "$(backends_of "$t" | awk '{ print $1 }')" ]]; then
		unset BRIDGECTL_FIREWALL
	else
		export BRIDGECTL_FIREWALL=$backend
	fi
	if [[ $harness_ok -ne 1 ]]; then
		report FAIL "$name" "" 1 "not run: the harness self-test failed"
		continue
	fi
	rc=0
	# The test's throwaway host is `bridgectl sandbox`. SIGTERM reaches the test through it; -k:
	# a test that ignores SIGTERM is SIGKILLed with the sandbox, whose init the kernel then kills
	# (parent-death signal), taking down the whole throwaway host: nothing of a timed-out test
	# survives.
	timeout -k 10 "$timeout_s" "$BRIDGECTL" sandbox -- bash "$t" >"$log" 2>&1 </dev/null || rc=$?
	case $rc in
	0) report PASS "$name" "$log" 0 ;;
	77) report SKIP "$name" "$log" 77 "$(sed -n 's/^SKIP-REASON: //p' "$log" | head -n1)" ;;
	124 | 137) report FAIL "$name" "$log" "$rc" "timed out after ${timeout_s}s" ;;
	*) report FAIL "$name" "$log" "$rc" "exit $rc" ;;
	esac
done

echo "$passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 ]]
