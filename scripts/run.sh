#!/usr/bin/env bash
# README command 1: install the platform and serve it on http://127.0.0.1:8000 with SQLite.
# Extra arguments go to `wsis serve` (e.g. --port 8080).
# The empty argument: no pip extras. Without it bootstrap.sh would see this script's own arguments.
source "$(dirname "$0")/bootstrap.sh" ""
exec wsis serve "$@"
