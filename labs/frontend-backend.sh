#!/usr/bin/env bash
# frontend-backend: web (frontend) reaches the api but not the database; api, on both networks,
# reaches both.
#   bridgectl sandbox --uplink labs/frontend-backend.sh
source "$(dirname "$0")/lib.sh"

say "Two networks: frontend for the web tier, backend for the data."
show bridgectl network create frontend
show bridgectl network create backend

say "api is attached to both (one veth and one eth per network); web and db to one each."
show bridgectl container create web --network frontend
show bridgectl container create api --network frontend --network backend
show bridgectl container create db --network backend
show ip -n api -br addr
serve web web 80
serve api api 8000
serve db db 5432

say "The frontend reaches the api, not the database:"
expect_reach "web reaches api:8000" web api 8000 api
expect_fail "web cannot resolve db (no shared network)" bridgectl exec web getent hosts db
expect_no_reach "web cannot reach db's address" web "$(address_of db backend)" 5432

say "The api reaches both:"
expect_reach "api reaches db:5432" api db 5432 db
expect_reach "api reaches web:80" api web 80 web

finish
