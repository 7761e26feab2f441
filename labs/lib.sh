# shellcheck shell=bash
# Sourced by every lab. A lab is a course exercise replayed: it prints each command it runs, as a
# student would type it, with its output, then checks the result the course expects, and stops
# (exit 1) with a clear message at the first expectation that does not hold. Run one as
#   bridgectl sandbox --uplink labs/NAME.sh
# (a throwaway host with a fake internet at 203.0.113.1: nothing a lab makes survives it).
set -euo pipefail

LABS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=$(basename "$0" .sh)
# shellcheck source=../scripts/lib/throwaway-host.sh
source "$LABS_DIR/../scripts/lib/throwaway-host.sh"

if [[ ${THROWAWAY_HOST:-} != 1 ]]; then
	echo "lab $LAB: run it in a throwaway host: bridgectl sandbox --uplink labs/$LAB.sh" >&2
	exit 2
fi
assert_not_initial_netns
# bridgectl's own guard: it refuses to run in the machine's initial network namespace.
export BRIDGECTL_REQUIRE_THROWAWAY=1
# bridgectl: on PATH, else $BRIDGECTL, else this checkout's release build.
if ! command -v bridgectl >/dev/null; then
	BRIDGECTL=${BRIDGECTL:-$LABS_DIR/../.build/release/bridgectl}
	[[ -x $BRIDGECTL ]] || {
		echo "lab $LAB: bridgectl is not on PATH (nor BRIDGECTL set, nor built in this checkout)" >&2
		exit 2
	}
	bridgectl() { "$BRIDGECTL" "$@"; }
fi

bold=$'\e[1m' dim=$'\e[2m' green=$'\e[32m' red=$'\e[31m' off=$'\e[0m'
if [[ ! -t 1 || -n ${NO_COLOR:-} ]]; then bold='' dim='' green='' red='' off=''; fi
EXPECTATIONS=0

# say TEXT : a line of the lab's story.
say() { printf '\n%s# %s%s\n' "$dim" "$*" "$off"; }

# The command as typed: the labs' helper scripts by their short names.
_typed() {
	local text="$*"
	printf '%s' "${text//$LABS_DIR\//}"
}

# show CMD... : print the command, run it; a failure stops the lab.
show() {
	printf '%s$ %s%s\n' "$bold" "$(_typed "$@")" "$off"
	"$@"
}

# show_sh PIPELINE : the same for a shell pipeline.
show_sh() {
	printf '%s$ %s%s\n' "$bold" "$1" "$off"
	bash -c "$1"
}

_passed() {
	EXPECTATIONS=$((EXPECTATIONS + 1))
	printf '  %s✓ %s%s\n' "$green" "$1" "$off"
}

_failed() {
	local desc=$1
	shift
	printf '  %s✗ expected: %s%s\n' "$red" "$desc" "$off"
	[[ $# -eq 0 ]] || printf '    %s\n' "$@"
	echo "lab $LAB: FAILED: $desc" >&2
	exit 1
}

# _attempt CMD... : print and run CMD, showing its output; sets OUT and RC, never stops the lab.
_attempt() {
	printf '%s$ %s%s\n' "$bold" "$(_typed "$@")" "$off"
	RC=0
	OUT=$("$@" 2>&1) || RC=$?
	[[ -z $OUT ]] || printf '%s\n' "$OUT"
}

# expect_ok DESC CMD... : CMD succeeds.
expect_ok() {
	local desc=$1
	shift
	_attempt "$@"
	[[ $RC -eq 0 ]] && _passed "$desc" || _failed "$desc" "(exit status $RC)"
}

# expect_fail DESC CMD... : CMD fails.
expect_fail() {
	local desc=$1
	shift
	_attempt "$@"
	[[ $RC -ne 0 ]] && _passed "$desc" || _failed "$desc" "(it succeeded)"
}

# expect_output DESC TEXT CMD... : CMD succeeds and prints TEXT.
expect_output() {
	local desc=$1 text=$2
	shift 2
	_attempt "$@"
	[[ $RC -eq 0 && $OUT == *"$text"* ]] && _passed "$desc" || _failed "$desc" "(exit status $RC; wanted \"$text\" in the output)"
}

# expect_same DESC A B : two values the lab found are equal.
expect_same() {
	[[ $2 == "$3" ]] && _passed "$1 ($2)" || _failed "$1" "(\"$2\" vs \"$3\")"
}

# TCP, with python3 as the tests use it: a server answering one line per connection
# ("hello from LABEL to PEER") and a client printing that line.
TCP_SERVER=$LABS_DIR/tcp-server.py
TCP_CLIENT=$LABS_DIR/tcp-client.py

# serve CONTAINER|host LABEL PORT : a TCP server in the background, waited for (5 s at most).
serve() {
	local where=$1 label=$2 port=$3
	if [[ $where == host ]]; then
		printf '%s$ %s%s\n' "$bold" "python3 tcp-server.py $label $port &" "$off"
		python3 "$TCP_SERVER" "$label" "$port" </dev/null >/dev/null 2>&1 &
	else
		printf '%s$ %s%s\n' "$bold" "bridgectl exec $where -- python3 tcp-server.py $label $port &" "$off"
		bridgectl exec "$where" -- python3 "$TCP_SERVER" "$label" "$port" </dev/null >/dev/null 2>&1 &
	fi
	local netns=() _
	[[ $where == host ]] || netns=(-N "$where")
	for _ in $(seq 50); do
		[[ -n $(ss "${netns[@]}" -Hltn "sport = :$port") ]] && return 0
		sleep 0.1
	done
	_failed "a TCP server listens on $where:$port"
}

# expect_reach DESC CONTAINER|host ADDRESS PORT LABEL : a TCP client gets LABEL's line.
expect_reach() {
	local desc=$1 where=$2 address=$3 port=$4 label=$5
	if [[ $where == host ]]; then
		expect_output "$desc" "hello from $label" python3 "$TCP_CLIENT" "$address" "$port"
	else
		expect_output "$desc" "hello from $label" bridgectl exec "$where" -- python3 "$TCP_CLIENT" "$address" "$port"
	fi
}

# expect_no_reach DESC CONTAINER ADDRESS PORT : the connection fails within 2 s.
expect_no_reach() {
	local desc=$1 where=$2 address=$3 port=$4
	expect_fail "$desc" bridgectl exec "$where" -- python3 "$TCP_CLIENT" "$address" "$port" 2
}

# address_of CONTAINER [NETWORK] : the container's IPv4 address (on NETWORK, else its first).
address_of() {
	local format='{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}'
	[[ -z ${2-} ]] || format="{{(index .NetworkSettings.Networks \"$2\").IPAddress}}"
	bridgectl container inspect -f "$format" "$1" | awk '{ print $1 }'
}

# gateway_of NETWORK
gateway_of() {
	bridgectl network inspect -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}' "$1"
}

# The end of every lab: the picture of what it built (once `bridgectl explain` exists), and the
# verdict.
finish() {
	say "What the kernel now holds:"
	# (`bridgectl explain --help` would print the root help, exit 0, in a build without explain.)
	if bridgectl --help 2>/dev/null | grep -qE '^ +explain( |$)'; then
		show bridgectl explain || true
	else
		show ip -br addr
	fi
	printf '\n%slab %s: all %d expectations met%s\n' "$green" "$LAB" "$EXPECTATIONS" "$off"
}
