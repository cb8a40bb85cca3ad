#!/usr/bin/env bash
# Browser tests of the web interface (e2e/browser, docs/browser-tests.md):
# Debian's Chromium driven by playwright-core under node --test, against a
# real `uapid serve --demo` on free 127.0.0.1 ports, with real FTP clients on
# its FTP port. Installs nothing on the machine: it needs chromium (Debian's,
# /usr/bin/chromium), Node.js >= 20 with npm, and curl. npm ci fetches the
# pinned playwright-core from the registry (or npm's cache) into
# e2e/browser/node_modules.
#
# UAPID_SCREENSHOTS=DIR also saves a PNG of every page into DIR
# (docs/screenshots holds the committed ones). UAPID_CHROMIUM overrides
# /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "browser-test: $*" >&2; exit 1; }

chromium=${UAPID_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || fail "$chromium is missing (apt-get install chromium)"
command -v node >/dev/null && command -v npm >/dev/null || fail "node and npm are missing"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || fail "playwright-core needs Node.js >= 20, this is $(node --version)"
command -v curl >/dev/null || fail "curl is missing"

work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A port the kernel just handed out and released: free unless something
# grabs it in the next instant, as in scripts/e2e.sh.
free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
demo_field() { node -p "require(process.argv[1]).$1" "$UAPID_DATA_DIR/demo.json"; }

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
for _ in $(seq 1 200); do
  [ -s "$UAPID_DATA_DIR/demo.json" ] && curl -skf "https://$UAPID_HTTPS_ADDR/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
curl -skf "https://$UAPID_HTTPS_ADDR/healthz" >/dev/null 2>&1 || { tail -30 "$work/uapid.log" >&2; fail "uapid did not start"; }

# Only npm's own progress goes to the log; --prefer-offline reuses npm's
# cache when it already holds the pinned version.
(cd e2e/browser && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)

screenshots=
[ -n "${UAPID_SCREENSHOTS:-}" ] && screenshots=$(realpath -m "$UAPID_SCREENSHOTS")

status=0
(
  cd e2e/browser
  UAPID_URL=$(demo_field https_url) UAPID_USER=$(demo_field user) UAPID_PASS=$(demo_field password) \
    UAPID_DOMAIN=$(demo_field domain) UAPID_FTP_ADDR=$UAPID_FTP_ADDR UAPID_CHROMIUM=$chromium \
    UAPID_SCREENSHOTS=$screenshots \
    node --test --test-concurrency=1 --test-timeout=120000 tests/*.test.mjs
) || status=$?

if [ "$status" != 0 ]; then
  echo "browser-test: FAIL; the last lines of uapid's log:" >&2
  tail -30 "$work/uapid.log" >&2
fi
exit "$status"
