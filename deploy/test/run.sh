#!/usr/bin/env bash
# test:ops — checks the operations files: Prometheus rules (syntax and unit tests) and config
# with promtool, then deploy/test/*.test.ts (compose, Kubernetes, Dockerfile, dashboards, the
# compose files with docker-compose and the load balancer's config with haproxy, the backup).
# promtool (Debian package prometheus), docker-compose and haproxy are installed here when
# missing. Without one of them its checks are skipped loudly, or fail when CI=true.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

# install PACKAGE: apt-get, as root, refreshing the package lists only if the first try fails.
install() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || return 1
  echo "test:ops: installing $1 (Debian package)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "$1" >&2 ||
    { apt-get update -qq >&2 && apt-get install -y --no-install-recommends "$1" >&2; }
}

# have TOOL PACKAGE: true when TOOL is (or could be made) available; in CI a missing tool fails.
have() {
  command -v "$1" >/dev/null && return 0
  install "$2" && command -v "$1" >/dev/null && return 0
  if [ "${CI:-}" = true ]; then
    echo "test:ops: FAILED: $1 is missing and could not be installed (apt-get install $2)" >&2
    exit 1
  fi
  echo "test:ops: SKIPPING the $1 checks: $1 is missing and could not be installed (apt-get install $2)" >&2
  return 1
}

if have promtool prometheus; then
  promtool check rules deploy/prometheus/alerts.yml
  promtool test rules deploy/prometheus/alerts.test.yml
  promtool check config deploy/prometheus/prometheus.yml
  export REQUIRE_PROMTOOL=1
fi

# Checked by deploy/test/compose-tools.test.ts, which then refuses to skip them.
compose=0
have docker-compose docker-compose && compose=1
have haproxy haproxy && [ "$compose" = 1 ] && export REQUIRE_COMPOSE_TOOLS=1

bash scripts/with-tools.sh pnpm run --silent test:jest deploy/ "$@"
