#!/usr/bin/env bash
# `npm run sample`: opens sample/ with the extension loaded from this checkout.
# Desktop VS Code (`code` on PATH) gets it as the extension under development; otherwise
# code-server serves VS Code on http://127.0.0.1:${PORT:-8080}/ (any free port if taken).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run build
node scripts/make-sample.mjs   # sample/glove.npy etc. (idempotent)
if command -v code >/dev/null; then
  exec code --extensionDevelopmentPath="$PWD" sample
fi
bash scripts/setup-code-server.sh
exec node scripts/code-server.mjs --port "${PORT:-8080}" sample
