#!/usr/bin/env bash
# README command 1: install the platform and serve it on http://127.0.0.1:8000 with SQLite.
# Extra arguments go to `wsis serve` (e.g. --port 8080).
# The empty argument: no pip extras. Without it bootstrap.sh would see this script's own arguments.
source "$(dirname "$0")/bootstrap.sh" ""
# Pango for the reports' PDFs (WeasyPrint), with Noto fonts for Arabic and Chinese.
apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-noto-cjk
exec wsis serve "$@"
