#!/usr/bin/env bash
# icc-off: on a network with inter-container communication off, containers cannot talk to each
# other, while the outside (the sandbox's fake internet) still works, by address and by name.
#   bridgectl sandbox --uplink labs/icc-off.sh
source "$(dirname "$0")/lib.sh"

show bridgectl network create quiet -o com.docker.network.bridge.enable_icc=false
show bridgectl container create one --network quiet
show bridgectl container create two --network quiet
two=$(address_of two)
serve two two 80

say "Container to container is dropped on the bridge (br_netfilter sends bridged traffic through iptables):"
expect_fail "one cannot ping two" bridgectl exec one ping -c1 -W1 "$two"
expect_no_reach "one cannot reach two:80" one "$two" 80
show_sh "iptables-save | grep -- '-j DROP' | grep -v ISOLATION"

say "The outside still works (masqueraded behind the sandbox's 203.0.113.2):"
expect_ok "one pings the fake internet" bridgectl exec one ping -c1 -W2 203.0.113.1
expect_reach "one reaches 203.0.113.1:80" one 203.0.113.1 80 internet.test
expect_output "one resolves internet.test (forwarded by the embedded resolver)" 203.0.113.1 \
	bridgectl exec one getent hosts internet.test

finish
