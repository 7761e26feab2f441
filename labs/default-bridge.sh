#!/usr/bin/env bash
# default-bridge: on the default bridge network containers reach each other by address, but have
# no embedded DNS, so names do not resolve.
#   bridgectl sandbox --uplink labs/default-bridge.sh
source "$(dirname "$0")/lib.sh"

say "No --network: the default network \`bridge\` (its bridge, bridgectl0, is made by the first container)."
show bridgectl container create alpha
show bridgectl container create beta
show ip -br addr show bridgectl0
beta=$(address_of beta)
serve beta beta 80

say "Addresses work:"
expect_ok "alpha pings beta at $beta" bridgectl exec alpha ping -c1 -W2 "$beta"
expect_reach "alpha reaches $beta:80" alpha "$beta" 80 beta

say "Names do not: the default bridge gets the host's nameservers, not 127.0.0.11."
show cat /etc/netns/alpha/resolv.conf
expect_fail "alpha cannot resolve beta" bridgectl exec alpha getent hosts beta

finish
