#!/usr/bin/env bash
# aliases: a container answers to its name and to each --alias on its network: database and db
# are the same container.
#   bridgectl sandbox --uplink labs/aliases.sh
source "$(dirname "$0")/lib.sh"

show bridgectl network create app
show bridgectl container create database --network app --alias db
show bridgectl container create client --network app
serve database database 5432

say "Both names resolve, to the same address:"
expect_output "database resolves" "$(address_of database)" bridgectl exec client getent hosts database
by_name=$(bridgectl exec client getent hosts database | awk '{ print $1 }')
expect_output "db resolves" "$by_name" bridgectl exec client getent hosts db
by_alias=$(bridgectl exec client getent hosts db | awk '{ print $1 }')
expect_same "database and db are the same container" "$by_name" "$by_alias"
expect_reach "client reaches db:5432, answered by database" client db 5432 database

finish
