#!/usr/bin/env bash
# internal: an --internal data network has no way out (no masquerade, no default route) and no
# way in (nothing can be published on it, forwarded traffic is dropped); containers on it still
# talk to each other.
#   bridgectl sandbox --uplink labs/internal.sh
source "$(dirname "$0")/lib.sh"

show bridgectl network create --internal data
show bridgectl container create store --network data
show bridgectl container create worker --network data
store=$(address_of store)
serve store store 6379

say "Inside the network, everything works:"
expect_reach "worker reaches store:6379 by name" worker store 6379 store

say "No way out: no default route, so the fake internet is unreachable."
show ip -n store route
expect_fail "store cannot ping the fake internet" bridgectl exec store ping -c1 -W1 203.0.113.1
expect_fail "store cannot reach 203.0.113.1:80" bridgectl exec store python3 "$TCP_CLIENT" 203.0.113.1 80 2

say "No way in: publishing is refused, and the fake internet, given a route, is still dropped."
expect_fail "publishing a port on an internal network is refused" \
	bridgectl container create front --network data -p 8080:80
show ip netns exec inet ip route add "$store/32" via 203.0.113.2
expect_fail "the fake internet cannot reach store:6379" ip netns exec inet python3 "$TCP_CLIENT" "$store" 6379 2

finish
