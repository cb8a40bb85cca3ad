#!/usr/bin/env bash
# Runs the litmus WebDAV compliance suite against uapid's Web Disk server.
#
# litmus is a C program (apt package "litmus"); the server it tests is
# started by the Go test TestLitmus in internal/webdavd on 127.0.0.1:0 with
# a real store and a Digest-enabled Web Disk login, and the test fails on
# any litmus failure other than the known ones listed in docs/webdisk.md.
#
# Usage: scripts/litmus.sh          (install litmus first: apt-get install litmus)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v litmus >/dev/null; then
  echo "litmus is not installed: apt-get update && apt-get install -y litmus" >&2
  exit 1
fi
UAPID_REQUIRE_LITMUS=1 exec go test -count=1 -run '^TestLitmus$' -v ./internal/webdavd/
