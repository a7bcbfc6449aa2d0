# syntax=docker/dockerfile:1
# TurboZap image (tagged turbozap-api): the one ./turbozap executable; the role is the
# command (api, session-worker, sender-worker, worker, all, migrate, keys). Node 24 runs the
# TypeScript sources directly, so there is no compile stage: `deps` installs the production
# dependencies from the lockfile, `runtime` copies the result and runs as a non-root user.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
# Same pnpm as package.json's packageManager (deploy/test checks they agree). Installed with
# npm rather than corepack, whose bundled signing keys lag behind new pnpm releases.
ARG PNPM_VERSION=12.4.2
RUN npm install --global --no-audit --no-fund pnpm@${PNPM_VERSION} && npm cache clean --force
WORKDIR /app
# Fetch from the lockfile alone first: this layer stays cached until dependencies change.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc package.json ./
# Our patches to dependencies (pnpm-workspace.yaml's patchedDependencies; why: README).
COPY patches ./patches
RUN pnpm fetch --prod
COPY . .
RUN pnpm install --offline --frozen-lockfile --prod

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    SERVER_PORT=8080 \
    DATA_DIR=/app/data
WORKDIR /app
# Code stays owned by root (read-only for the app); only the data directory of `all` is writable.
COPY --from=deps /app /app
COPY --chmod=755 deploy/docker/entrypoint.sh /usr/local/bin/turbozap-entrypoint
RUN mkdir -p /app/data && chown node:node /app/data
# The base image's unprivileged user (uid 1000).
USER node
EXPOSE 8080
# No curl in the slim image: Node's fetch checks /health (liveness, no dependencies).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.SERVER_PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["turbozap-entrypoint"]
CMD ["all"]
