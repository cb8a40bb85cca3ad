#!/usr/bin/env bash
# WHM API 1 end to end, the way a billing module (WHMCS, Blesta, …) drives
# it: an operator token made with `uapid token create`, then plain curl
# calls to /json-api/FUNCTION on the WHM port, checked with jq. The account
# it provisions is then used as its customer would: the HTTPS API, FTP with
# lftp, and the single sign-on URL. Everything listens on 127.0.0.1 only.
# Needs: curl, jq, lftp.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "whm-e2e: FAIL: $*" >&2; [ -f "$work/uapid.log" ] && tail -30 "$work/uapid.log" >&2; exit 1; }
ok() { echo "whm-e2e: ok: $*"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

go build -o "$work/uapid" ./cmd/uapid

export UAPID_DATA_DIR=$work/data
export UAPID_HTTPS_ADDR=127.0.0.1:$(free_port)
export UAPID_WHM_ADDR=127.0.0.1:$(free_port)
export UAPID_FTP_ADDR=127.0.0.1:$(free_port)
export UAPID_WEBDAV_ADDR=127.0.0.1:$(free_port)
export UAPID_HOSTNAME=localhost

"$work/uapid" serve >"$work/uapid.out" 2>"$work/uapid.log" &
pid=$!
for _ in $(seq 1 100); do
  curl -skf "https://$UAPID_HTTPS_ADDR/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
cpanel=https://$UAPID_HTTPS_ADDR

# The operator's token, printed once.
token=$("$work/uapid" token create billing)
[ ${#token} = 32 ] || fail "uapid token create printed '$token'"
ok "uapid token create"

# whm FUNCTION [curl --data-urlencode arguments…]: a billing module's call.
whm() {
  local fn=$1
  shift
  curl -sk -H "Authorization: whm root:$token" "https://$UAPID_WHM_ADDR/json-api/$fn?api.version=1" "$@"
}
# expect FUNCTION [args…]: the call must answer metadata.result 1.
expect() {
  local out
  out=$(whm "$@") || fail "$1: curl failed"
  [ "$(jq -r .metadata.result <<<"$out")" = 1 ] || fail "$1: $(jq -c .metadata <<<"$out")"
  printf '%s' "$out"
}

# "Test Connection": the module asks for the version and the packages.
expect version >/dev/null
expect addpkg --data-urlencode name=starter --data-urlencode quota=100 --data-urlencode featurelist=default >/dev/null
[ "$(expect listpkgs | jq -r '.data.pkg[] | select(.name=="starter") | .QUOTA')" = 100M ] || fail "listpkgs"
ok "version, addpkg, listpkgs"

# Order accepted: create the account on the product's package.
user=cust1 domain=cust1.example pass=Cust1-pass-123
expect createacct --data-urlencode username=$user --data-urlencode domain=$domain --data-urlencode "password=$pass" \
  --data-urlencode plan=starter --data-urlencode contactemail=owner@example.org >/dev/null
acct=$(expect listaccts --data-urlencode search=$user --data-urlencode searchtype=user | jq -c '.data.acct[0]')
[ "$(jq -r .plan <<<"$acct")/$(jq -r .email <<<"$acct")/$(jq -r .disklimit <<<"$acct")" = starter/owner@example.org/100M ] \
  || fail "listaccts: $acct"
[ "$(curl -sk -u "$user:$pass" "$cpanel/execute/Ftp/list_ftp" | jq -r .status)" = 1 ] || fail "the new account's API"
ok "createacct on a plan; listaccts; the customer's API works"

# The customer uses FTP with the account's own login.
lftp_ls() {
  lftp -p "${UAPID_FTP_ADDR##*:}" -u "$user,$1" \
    -e "set ftp:ssl-force true; set ssl:verify-certificate no; set net:max-retries 1; set net:timeout 5; ls; bye" \
    "${UAPID_FTP_ADDR%:*}" >/dev/null 2>&1
}
lftp_ls "$pass" || fail "FTP login of the new account"

# Invoice overdue: suspend; everything of the customer's stops.
expect suspendacct --data-urlencode user=$user --data-urlencode reason=Nonpayment >/dev/null
[ "$(expect accountsummary --data-urlencode user=$user | jq -r '.data.acct[0].suspendreason')" = Nonpayment ] \
  || fail "accountsummary after suspendacct"
code=$(curl -sk -o /dev/null -w '%{http_code}' -u "$user:$pass" "$cpanel/execute/Ftp/list_ftp")
[ "$code" = 403 ] || fail "suspended account's API answered $code"
! lftp_ls "$pass" || fail "suspended account's FTP login worked"
expect unsuspendacct --data-urlencode user=$user >/dev/null
lftp_ls "$pass" || fail "FTP login after unsuspendacct"
ok "suspendacct refuses API and FTP; unsuspendacct restores them"

# Upgrade, password reset from the client area.
expect addpkg --data-urlencode name=pro --data-urlencode quota=unlimited >/dev/null
expect changepackage --data-urlencode user=$user --data-urlencode pkg=pro >/dev/null
newpass=Cust1-pass-456
expect passwd --data-urlencode user=$user --data-urlencode "password=$newpass" >/dev/null
code=$(curl -sk -o /dev/null -w '%{http_code}' -u "$user:$pass" "$cpanel/execute/Ftp/list_ftp")
[ "$code" = 401 ] || fail "the old password answered $code after passwd"
[ "$(expect accountsummary --data-urlencode user=$user | jq -r '.data.acct[0].plan')" = pro ] || fail "changepackage"
ok "changepackage, passwd (old password refused)"

# "Login to cPanel" button: single sign-on without the password.
sso=$(expect create_user_session --data-urlencode user=$user --data-urlencode service=cpaneld)
login=$(jq -r .data.url <<<"$sso")
cpsess=$(jq -r .data.cp_security_token <<<"$sso")
jar=$work/cookies
curl -sk -c "$jar" -o /dev/null -w '%{http_code}' "$login" | grep -qx 200 || fail "the login URL"
# The URL names the server by its host name: the cookie belongs to that.
base=${login%%/cpsess*}
[ "$(curl -sk -b "$jar" "$base$cpsess/execute/Ftp/list_ftp" | jq -r .status)" = 1 ] || fail "the single sign-on session"
code=$(curl -sk -o /dev/null -w '%{http_code}' "$login")
[ "$code" = 401 ] || fail "the login URL worked twice ($code)"
ok "create_user_session: the URL logs in once"

# Wrong and foreign credentials never reach the functions.
code=$(curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: whm root:WRONG" "https://$UAPID_WHM_ADDR/json-api/listaccts?api.version=1")
[ "$code" = 401 ] || fail "a wrong token answered $code"
code=$(curl -sk -o /dev/null -w '%{http_code}' -u "$user:$newpass" "https://$UAPID_WHM_ADDR/json-api/listaccts?api.version=1")
[ "$code" = 401 ] || fail "an account password on the WHM port answered $code"
ok "401 for a wrong token and for account credentials"

# Cancellation: nothing of the account is left.
expect removeacct --data-urlencode username=$user >/dev/null
[ ! -e "$UAPID_DATA_DIR/home/$user" ] || fail "the home outlived removeacct"
[ "$(whm accountsummary --data-urlencode user=$user | jq -r .metadata.result)" = 0 ] || fail "accountsummary after removeacct"
! lftp_ls "$newpass" || fail "FTP login after removeacct"
ok "removeacct"

"$work/uapid" token revoke billing >/dev/null
code=$(curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: whm root:$token" "https://$UAPID_WHM_ADDR/json-api/version?api.version=1")
[ "$code" = 401 ] || fail "a revoked token answered $code"
ok "uapid token revoke"
echo "whm-e2e: all passed"
