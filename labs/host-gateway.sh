#!/usr/bin/env bash
# host-gateway: a service on the host is reached from a container through its network's gateway,
# and by name as host.docker.internal (--add-host host.docker.internal:host-gateway).
#   bridgectl sandbox --uplink labs/host-gateway.sh
source "$(dirname "$0")/lib.sh"

say "A service on the host, listening on every address:"
serve host host-service 9000

show bridgectl network create app
show bridgectl container create box --network app --add-host host.docker.internal:host-gateway
gateway=$(gateway_of app)
show cat /etc/netns/box/hosts

say "The gateway is the host's address on the bridge:"
expect_reach "box reaches the host service at the gateway $gateway:9000" box "$gateway" 9000 host-service
expect_output "host.docker.internal is the gateway" "$gateway" bridgectl exec box getent hosts host.docker.internal
expect_reach "box reaches host.docker.internal:9000" box host.docker.internal 9000 host-service

finish
