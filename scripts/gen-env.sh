#!/usr/bin/env bash
# gen-env.sh — writes the .env of docker-compose.yml with generated secrets: no service of the
# compose stack has a default password, so compose refuses to start until they are set.
#
#   bash scripts/gen-env.sh [ARQUIVO]        (padrão: .env na raiz do repositório)
#
# No .env yet: copies deploy/env.example and fills every secret with `openssl rand -hex 32`
# (hex: the passwords go into service URLs). An existing .env is never rewritten: only the
# variables it lacks, or has empty, are added — after an upgrade this adds the new ones.
# Prints the names it generated, never the values.
set -euo pipefail
umask 077
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
template="$root/deploy/env.example"
out=${1:-$root/.env}
secrets=(API_KEY SESSION_ENCRYPTION_KEY POSTGRES_PASSWORD RABBITMQ_PASSWORD REDIS_PASSWORD MINIO_ROOT_PASSWORD GRAFANA_ADMIN_PASSWORD)

command -v openssl >/dev/null || { echo "gen-env: openssl não encontrado" >&2; exit 2; }
fresh=0
[ -e "$out" ] || { cp "$template" "$out"; fresh=1; }
[ -z "$(tail -c 1 "$out")" ] || echo >>"$out" # appended lines must not join the last one

is_secret() { [[ " ${secrets[*]} " == *" $1 "* ]]; }
generated=()
added=()
while IFS= read -r line; do
  [[ $line =~ ^([A-Z0-9_]+)=(.*)$ ]] || continue
  name=${BASH_REMATCH[1]}
  grep -qE "^${name}=.+" "$out" && continue
  if is_secret "$name"; then
    value=$(openssl rand -hex 32)
    generated+=("$name")
  else
    value=${BASH_REMATCH[2]}
    grep -qE "^${name}=" "$out" && continue # deliberately empty (e.g. CORS_ORIGINS=)
    added+=("$name")
  fi
  if grep -qE "^${name}=$" "$out"; then
    sed -i "s|^${name}=\$|${name}=${value}|" "$out"
  else
    printf '%s=%s\n' "$name" "$value" >>"$out"
  fi
done <"$template"

echo "gen-env: $out"
[ ${#generated[@]} -eq 0 ] || echo "  gerados: ${generated[*]}"
[ ${#added[@]} -eq 0 ] || echo "  acrescentados com o valor de deploy/env.example: ${added[*]}"
# Postgres, RabbitMQ and Grafana read their password only when their volume is created.
if [ "$fresh" = 0 ] && [[ " ${generated[*]} " =~ \ (POSTGRES|RABBITMQ|GRAFANA_ADMIN)_PASSWORD\  ]]; then
  echo "  Instalação existente: aplique as senhas novas nos serviços antes de subir (docs/OPERATIONS.md §6.3)."
fi
# The defaults of earlier versions are kept (never rewritten) but not silently.
for old in POSTGRES_PASSWORD=postgres MINIO_ROOT_PASSWORD=turbozap-minio-secret GRAFANA_ADMIN_PASSWORD=admin; do
  grep -qx "$old" "$out" && echo "  ⚠️  ${old%%=*} ainda é a senha padrão antiga: troque (docs/OPERATIONS.md §6.3)" >&2
done
exit 0
