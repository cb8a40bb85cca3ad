#!/bin/sh
# dovecot-test.sh: check the mailboxes uapid publishes against a real Dovecot.
#
# Needs Debian's dovecot-core (dovecot and doveadm) and Go. No Dovecot needs
# to be running, and one that is running is not touched: each test writes a
# minimal dovecot.conf (the passdb/userdb snippet of docs/email.md pointing at
# the passwd-files it publishes), starts a private Dovecot with no listeners
# and its sockets in a temporary directory, runs `doveadm auth test` and
# `doveadm user` against it, and stops it. Works as root and as any user.
#
#   apt-get install -y dovecot-core     # once
#   scripts/dovecot-test.sh             # from anywhere; extra args go to go test
#
# UAPID_DOVECOT_TEST=require turns the tests' "Dovecot is not installed"
# skip into a failure, so a green run here always means Dovecot said yes.
set -eu
cd "$(dirname "$0")/.."
PATH="$PATH:/usr/sbin"
for tool in dovecot doveadm go; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "dovecot-test: $tool not found (Debian: apt-get install -y dovecot-core)" >&2
		exit 1
	fi
done
echo "dovecot-test: Dovecot $(dovecot --version)"
UAPID_DOVECOT_TEST=require exec go test -race -count=1 -run '^TestDovecot' \
	./internal/mailauth/... ./internal/module/email "$@"
