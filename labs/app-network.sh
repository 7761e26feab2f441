#!/usr/bin/env bash
# app-network: serveur and client share a user-defined network and talk by name; isole, on
# other-network, can neither reach serveur nor resolve its name.
#   bridgectl sandbox --uplink labs/app-network.sh
source "$(dirname "$0")/lib.sh"

say "Two user-defined networks, each its own bridge and subnet."
show bridgectl network create app-network
show bridgectl network create other-network

say "serveur and client on app-network, isole on other-network."
show bridgectl container create serveur --network app-network
show bridgectl container create client --network app-network
show bridgectl container create isole --network other-network
serve serveur serveur 8080

say "On a user-defined network the embedded resolver (127.0.0.11) knows every container by name."
expect_output "client resolves serveur" "$(address_of serveur)" bridgectl exec client getent hosts serveur
expect_ok "client pings serveur by name" bridgectl exec client ping -c1 -W2 serveur
expect_reach "client reaches serveur:8080 by name" client serveur 8080 serveur

say "isole is on another network: no name, and no route through the firewall either."
expect_fail "isole cannot resolve serveur" bridgectl exec isole getent hosts serveur
expect_no_reach "isole cannot reach serveur's address" isole "$(address_of serveur)" 8080

finish
