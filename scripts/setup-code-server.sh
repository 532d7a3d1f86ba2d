#!/usr/bin/env bash
# Installs code-server 4.100.3 (= VS Code 1.100.3, runs on the machine's Node 20) into
# .cache/code-server/ for the end-to-end tests, without internet beyond the npm registry.
#
# Why not `npm install code-server`: its postinstall downloads ripgrep from GitHub, which
# offline machines cannot reach. So we install with --ignore-scripts and do the postinstall
# steps ourselves ("Route A"): rebuild the native modules against the local Node headers and
# use Debian's ripgrep. It lives in its own folder with its own package.json so it never
# touches the project's node_modules or package-lock.json.
#
# Idempotent: a marker file records a finished install; delete .cache/code-server to redo it.
set -euo pipefail

CS_VERSION=4.100.3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/.cache/code-server"
MARKER="$DIR/.installed-$CS_VERSION"

if [[ -f "$MARKER" ]]; then
  echo "code-server $CS_VERSION already installed in $DIR"
  exit 0
fi

log() { echo "[setup-code-server] $*"; }
start=$SECONDS

# System packages: ripgrep (VS Code's search), libkrb5-dev (builds the kerberos module).
need=()
command -v rg >/dev/null || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
if ((${#need[@]})); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    log "installing ${need[*]} with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
  else
    echo "missing system packages: ${need[*]} (apt-get install them first)" >&2
    exit 1
  fi
fi

# node-gyp must build against local headers; without nodedir it would try to download them.
if [[ -z "${npm_config_nodedir:-}" && "$(npm config get nodedir 2>/dev/null)" =~ ^(undefined|null|)$ ]]; then
  nodeprefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  if [[ -f "$nodeprefix/include/node/node.h" ]]; then
    export npm_config_nodedir="$nodeprefix"
  fi
fi

# Start clean: a half-finished install (no marker) is not worth repairing.
rm -rf "$DIR"
mkdir -p "$DIR"
cd "$DIR"
cat > package.json <<JSON
{ "name": "embedding-lens-code-server", "private": true,
  "description": "code-server for the e2e tests; installed by scripts/setup-code-server.sh" }
JSON

log "npm install code-server@$CS_VERSION (scripts off)"
npm install --no-save --ignore-scripts --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION"
log "rebuild argon2 (code-server's password hashing; required at start-up)"
npm rebuild argon2 --loglevel=error

cd node_modules/code-server/lib/vscode
log "install VS Code's runtime dependencies"
npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
log "rebuild VS Code's native modules"
# One at a time so one failure does not hide the others; node-pty's failing step is a
# dev-only helper, so failures are warnings here and the load check below is what counts.
for m in @vscode/spdlog @parcel/watcher node-pty native-watchdog @vscode/deviceid kerberos; do
  npm rebuild "$m" --loglevel=error >/dev/null 2>&1 || log "warning: rebuild of $m reported errors"
done
for m in @vscode/spdlog @parcel/watcher node-pty native-watchdog; do
  node -e "require('$m')" 2>/dev/null || log "warning: $m does not load (some VS Code features may not work)"
done

# ripgrep: the npm package would download it; use the system binary instead.
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
# The server looks for node_modules.asar (the packaged layout); point it at node_modules.
ln -sfn node_modules node_modules.asar

log "install built-in extensions' dependencies"
(cd extensions && npm install --omit=dev --no-audit --no-fund --loglevel=error)

touch "$MARKER"
log "done in $((SECONDS - start))s: $DIR/node_modules/.bin/code-server"
