#!/usr/bin/env bash
# End-to-end check of a real uapid with real command-line clients from
# Debian's packages: curl for the HTTPS API (Basic, token, session login),
# lftp for FTP/FTPS, and the uapi command line. Everything listens on
# 127.0.0.1 only. Needs: curl, lftp, jq.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "e2e: FAIL: $*" >&2; [ -f "$work/uapid.log" ] && tail -30 "$work/uapid.log" >&2; exit 1; }
passed=0
ok() { passed=$((passed + 1)); echo "e2e: ok: $*"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

go build -o "$work/uapid" ./cmd/uapid
go build -o "$work/uapi" ./cmd/uapi

export UAPID_DATA_DIR=$work/data
export UAPID_HTTPS_ADDR=127.0.0.1:$(free_port)
export UAPID_FTP_ADDR=127.0.0.1:$(free_port)
export UAPID_WEBDAV_ADDR=127.0.0.1:$(free_port)
export UAPID_WHM_ADDR=127.0.0.1:$(free_port)
export UAPID_HOSTNAME=localhost

"$work/uapid" serve --demo >"$work/uapid.out" 2>"$work/uapid.log" &
pid=$!
for _ in $(seq 1 100); do
  [ -s "$UAPID_DATA_DIR/demo.json" ] && curl -skf "https://$UAPID_HTTPS_ADDR/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
[ -s "$UAPID_DATA_DIR/demo.json" ] || fail "uapid did not start"
url=$(jq -r .https_url "$UAPID_DATA_DIR/demo.json")
pass=$(jq -r .password "$UAPID_DATA_DIR/demo.json")
ok "uapid serve --demo answers at $url"

status() { jq -r .status; }

# HTTP Basic, as in the README.
[ "$(curl -sk -u "demo:$pass" "$url/execute/Tokens/list" | status)" = 1 ] || fail "Basic Tokens/list"
code=$(curl -sk -o /dev/null -w '%{http_code}' -u "demo:wrong" "$url/execute/Tokens/list")
[ "$code" = 401 ] || fail "wrong password answered $code"
ok "Basic auth (and 401 for a wrong password)"

# An API token made with the uapi command line, then used by curl.
token=$("$work/uapi" --user=demo --output=json Tokens create_full_access name=ci | jq -r .result.data.token)
[ ${#token} = 32 ] || fail "uapi Tokens create_full_access"
[ "$(curl -sk -H "Authorization: cpanel demo:$token" "$url/execute/Tokens/list" | jq -r '.data[0].name')" = ci ] \
  || fail "token auth"
ok "uapi creates a token; Authorization: cpanel demo:TOKEN works"

# Session login: security token plus cookie.
jar=$work/cookies
cpsess=$(curl -sk -c "$jar" -d "user=demo" --data-urlencode "pass=$pass" "$url/login/?login_only=1" | jq -r .security_token)
[[ "$cpsess" == /cpsess* ]] || fail "login_only gave no security token"
[ "$(curl -sk -b "$jar" "$url$cpsess/execute/Tokens/list" | status)" = 1 ] || fail "cpsess call"
code=$(curl -sk -o /dev/null -w '%{http_code}' -b "$jar" "$url/cpsess0000000000/execute/Tokens/list")
[ "$code" = 403 ] || fail "wrong cpsess token answered $code"
ok "session login, cpsess URL, 403 on a wrong token"

# An FTP account, then FTPS transfers with lftp.
"$work/uapi" --user=demo Ftp add_ftp user=weeones pass=Wee-ones-pass-1 quota=20 >/dev/null || fail "add_ftp"
ftp_host=${UAPID_FTP_ADDR%:*}
ftp_port=${UAPID_FTP_ADDR##*:}
lftp_cmd() {
  lftp -p "$ftp_port" -u "weeones@demo.example,Wee-ones-pass-1" \
    -e "set ftp:ssl-force true; set ftp:ssl-protect-data true; set ssl:verify-certificate no; set net:max-retries 1; set net:timeout 10; $1; bye" \
    "$ftp_host"
}
head -c 3145728 /dev/urandom >"$work/up.bin"
lftp_cmd "put $work/up.bin -o up.bin" || fail "lftp FTPS upload"
lftp_cmd "get up.bin -o $work/down.bin" || fail "lftp FTPS download"
cmp -s "$work/up.bin" "$work/down.bin" || fail "downloaded file differs"
used=$(curl -sk -u "demo:$pass" "$url/execute/Ftp/list_ftp_with_disk?include_acct_types=sub" | jq -r '.data[0].diskused')
[ "$used" = "3.00" ] || fail "list_ftp_with_disk diskused=$used, want 3.00"
ok "lftp over FTPS: 3 MiB up and down, identical, counted as $used MB"

# A live lftp session is listed, then killed with the seed's session URL.
(lftp_cmd "ls; sleep 60; ls" >/dev/null 2>&1; echo done >"$work/lftp.exit") &
lpid=$!
for _ in $(seq 1 100); do
  n=$(curl -sk -b "$jar" "$url$cpsess/execute/Ftp/list_sessions" | jq '.data | length')
  [ "$n" -ge 1 ] && break
  sleep 0.1
done
[ "$n" -ge 1 ] || fail "list_sessions does not show the lftp session"
[ "$(curl -sk -b "$jar" "$url$cpsess/execute/Ftp/kill_session?login=weeones" | status)" = 1 ] || fail "kill_session"
for _ in $(seq 1 100); do
  n=$(curl -sk -b "$jar" "$url$cpsess/execute/Ftp/list_sessions" | jq '.data | length')
  [ "$n" = 0 ] && break
  sleep 0.1
done
[ "$n" = 0 ] || fail "the session survived kill_session"
kill "$lpid" 2>/dev/null || true
wait "$lpid" 2>/dev/null || true
ok "list_sessions shows lftp; kill_session?login=weeones closes it"

echo "e2e: $passed passed, 0 failed"
