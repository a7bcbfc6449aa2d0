#!/usr/bin/env bash
# test:ops — checks the operations files: Prometheus rules (syntax and unit tests) and config
# with promtool, then deploy/test/deploy.test.ts (compose, Kubernetes, Dockerfile, dashboards).
# promtool comes from Debian's `prometheus` package, installed here when missing. Without it
# the promtool checks are skipped loudly, or fail when CI=true.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

install_promtool() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || return 1
  echo "test:ops: installing promtool (Debian package prometheus)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends prometheus >&2 ||
    { apt-get update -qq >&2 && apt-get install -y --no-install-recommends prometheus >&2; }
}

if command -v promtool >/dev/null || { install_promtool && command -v promtool >/dev/null; }; then
  promtool check rules deploy/prometheus/alerts.yml
  promtool test rules deploy/prometheus/alerts.test.yml
  promtool check config deploy/prometheus/prometheus.yml
  export REQUIRE_PROMTOOL=1
elif [ "${CI:-}" = true ]; then
  echo "test:ops: FAILED: promtool is missing and could not be installed (apt-get install prometheus)" >&2
  exit 1
else
  echo "test:ops: SKIPPING the promtool checks: promtool is missing and could not be installed" >&2
fi

bash scripts/with-tools.sh pnpm run --silent test:jest deploy/ "$@"
