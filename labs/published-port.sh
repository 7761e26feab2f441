#!/usr/bin/env bash
# published-port: -p 8080:80 makes web's port 80 reachable on the host's port 8080, from the fake
# internet (DNAT, the client's real address kept) and from the host itself (127.0.0.1 too).
#   bridgectl sandbox --uplink labs/published-port.sh
source "$(dirname "$0")/lib.sh"

show bridgectl network create web-net
show bridgectl container create web --network web-net -p 8080:80
show bridgectl container ls
serve web web 80

say "From the fake internet, to the sandbox's address (203.0.113.2):"
expect_output "the fake internet reaches web through 203.0.113.2:8080, its address kept" \
	"hello from web to 203.0.113.1" ip netns exec inet python3 "$TCP_CLIENT" 203.0.113.2 8080
say "From the host itself:"
expect_reach "the host reaches web through 127.0.0.1:8080" host 127.0.0.1 8080 web
expect_reach "the host reaches web through 203.0.113.2:8080" host 203.0.113.2 8080 web
say "The rules that do it:"
show_sh "iptables-save -t nat | grep -- '--dport 8080'"
say "Port 80 itself is not open on the host:"
expect_fail "203.0.113.2:80 is closed" ip netns exec inet python3 "$TCP_CLIENT" 203.0.113.2 80 2

finish
