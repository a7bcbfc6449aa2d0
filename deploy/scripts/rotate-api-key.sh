#!/usr/bin/env bash
# rotate-api-key.sh — rotação da API_KEY sem downtime e sem 401 (OPERATIONAL_PLAN §6.2, corrigido).
#
# O plano troca a chave com `sed` e reinicia: até cada cliente receber a chave nova, toda
# chamada dele volta 401, e o restart derruba a API. No TurboZap, API_KEY aceita VÁRIAS chaves
# separadas por vírgula (todas valem), então a rotação tem duas fases com sobreposição:
#
#   Fase 1:  deploy/scripts/rotate-api-key.sh [--env-file .env] [--restart-cmd "CMD"]
#            gera NOVA=$(openssl rand -hex 32), grava API_KEY=NOVA,ANTIGA no .env e reinicia as
#            réplicas da API UMA DE CADA VEZ (CMD); as duas chaves valem. Imprime a chave nova
#            numa linha `NEW_API_KEY=...`. Passe a chave nova aos clientes.
#   Fase 2:  deploy/scripts/rotate-api-key.sh --retire ANTIGA [--env-file .env] [--restart-cmd "CMD"]
#            (ou `--retire -` para ler a chave da entrada padrão, fora do histórico do shell)
#            depois que TODOS os clientes usam a nova: tira a antiga de API_KEY e reinicia de novo.
#
# --restart-cmd roda depois de gravar o .env (bash -c) e deve reiniciar as réplicas da API uma
# por vez, esperando cada uma ficar pronta (/ready) antes da próxima. Exemplos:
#   Kubernetes: a chave vive no Secret; use --print e então
#     kubectl create secret generic turbozap-secrets --from-env-file=turbozap.env --dry-run=client -o yaml | kubectl apply -f -
#     kubectl rollout restart deploy/turbozap-api && kubectl rollout status deploy/turbozap-api
#     (o Deployment tem maxUnavailable: 0: é rolling, sem downtime)
#   docker compose: --restart-cmd "docker compose up -d --no-deps turbozap" (recria as réplicas
#     com o .env novo; `docker compose restart` NÃO relê o .env). Pode haver alguns segundos de
#     503 no balanceador enquanto as réplicas sobem, mas nunca 401.
# Só a API (e `turbozap all`) lê API_KEY; os workers não precisam reiniciar.
# --print não altera arquivo nenhum: só mostra o valor a configurar (cofre, Secret...).
#
# Alternativa sem restart nenhum: chaves do banco, `./turbozap keys create --label cliente-x`
# (vale na hora em todas as réplicas) e `./turbozap keys revoke ID` (para de valer em até 10 s).
set -euo pipefail

ENV_FILE=${ENV_FILE:-.env}
RESTART_CMD=""
RETIRE=""
PRINT_ONLY=0

usage() {
  echo "uso: $0 [--env-file ARQ] [--restart-cmd CMD] [--print]            (fase 1: adiciona chave nova)" >&2
  echo "     $0 --retire CHAVE_ANTIGA|- [--env-file ARQ] [--restart-cmd CMD] (fase 2: remove a antiga)" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --env-file) ENV_FILE=${2:?}; shift 2 ;;
    --restart-cmd) RESTART_CMD=${2:?}; shift 2 ;;
    --retire) RETIRE=${2:?}; shift 2 ;;
    --print) PRINT_ONLY=1; shift ;;
    -h|--help) usage ;;
    *) echo "argumento desconhecido: $1" >&2; usage ;;
  esac
done
if [ "$RETIRE" = "-" ]; then
  IFS= read -r RETIRE || true
  RETIRE=$(printf '%s' "$RETIRE" | tr -d '[:space:]')
  [ -n "$RETIRE" ] || { echo "❌ nenhuma chave na entrada padrão" >&2; exit 2; }
fi

command -v openssl >/dev/null || { echo "❌ openssl não encontrado" >&2; exit 2; }

# Valor atual de API_KEY: do .env (a fonte que as réplicas leem) ou, em --print, do ambiente.
current=""
if [ "$PRINT_ONLY" = 0 ]; then
  [ -f "$ENV_FILE" ] || { echo "❌ $ENV_FILE não existe (use --env-file, ou --print se a chave vive num cofre/Secret)" >&2; exit 2; }
  current=$(sed -n -E "s/^[[:space:]]*(export[[:space:]]+)?API_KEY=[\"']?([^\"']*)[\"']?[[:space:]]*$/\2/p" "$ENV_FILE" | tail -n 1)
else
  current=${API_KEY:-}
fi
current=$(printf '%s' "$current" | tr -d '[:space:]')
IFS=',' read -r -a keys <<<"$current"
clean=()
for k in "${keys[@]}"; do [ -n "$k" ] && clean+=("$k"); done
keys=("${clean[@]}")

if [ -n "$RETIRE" ]; then
  kept=()
  found=0
  for k in "${keys[@]}"; do
    if [ "$k" = "$RETIRE" ]; then found=1; else kept+=("$k"); fi
  done
  [ "$found" = 1 ] || { echo "❌ a chave a retirar não está em API_KEY (nada mudou)" >&2; exit 1; }
  [ "${#kept[@]}" -gt 0 ] || { echo "❌ essa é a única chave: rode a fase 1 antes (nada mudou)" >&2; exit 1; }
  new_value=$(IFS=','; echo "${kept[*]}")
  echo "🔑 Retirando a chave antiga (${RETIRE:0:6}…); ficam ${#kept[@]} chave(s)." >&2
else
  [ "${#keys[@]}" -gt 0 ] || { echo "❌ API_KEY está vazia: não há o que rotacionar (defina API_KEY=\$(openssl rand -hex 32))" >&2; exit 1; }
  NEW_KEY=$(openssl rand -hex 32)
  new_value=$(IFS=','; echo "${NEW_KEY},${keys[*]}")
  echo "🔑 Nova chave gerada; as ${#keys[@]} antiga(s) continuam valendo até a fase 2 (--retire)." >&2
fi

if [ "$PRINT_ONLY" = 1 ]; then
  echo "Configure no cofre/Secret e reinicie as réplicas da API uma por vez:" >&2
  echo "API_KEY=${new_value}"
else
  # Reescreve só a linha API_KEY (ou acrescenta), preservando o resto e as permissões do arquivo.
  tmp=$(mktemp "${ENV_FILE}.XXXXXX")
  trap 'rm -f "$tmp"' EXIT
  chmod --reference="$ENV_FILE" "$tmp" 2>/dev/null || chmod 600 "$tmp"
  awk -v value="$new_value" '
    /^[ \t]*(export[ \t]+)?API_KEY=/ { if (!done) { print "API_KEY=" value; done = 1 }; next }
    { print }
    END { if (!done) print "API_KEY=" value }' "$ENV_FILE" >"$tmp"
  mv "$tmp" "$ENV_FILE"
  trap - EXIT
  echo "📝 $ENV_FILE atualizado." >&2
  if [ -n "$RESTART_CMD" ]; then
    echo "♻️  Reiniciando as réplicas da API uma por vez: $RESTART_CMD" >&2
    bash -c "$RESTART_CMD" || { echo "❌ o restart falhou; o .env já tem o valor novo (as chaves antigas continuam nele na fase 1)" >&2; exit 1; }
  else
    echo "♻️  Agora reinicie as réplicas da API UMA DE CADA VEZ (a próxima só depois da anterior responder /ready):" >&2
    echo "     Kubernetes: kubectl rollout restart deploy/turbozap-api && kubectl rollout status deploy/turbozap-api" >&2
    echo "     docker compose: docker compose up -d --no-deps turbozap   (restart NÃO relê o .env)" >&2
  fi
fi

if [ -z "$RETIRE" ]; then
  echo "✅ Fase 1 concluída. Entregue a chave nova aos clientes; quando todos a usarem:" >&2
  if [ "$PRINT_ONLY" = 1 ]; then
    echo "     API_KEY=\"NOVA,ANTIGA\" $0 --print --retire - <<<\"CHAVE_ANTIGA\"" >&2
  else
    echo "     $0 --retire - <<<\"CHAVE_ANTIGA\" --env-file $ENV_FILE" >&2
  fi
  echo "NEW_API_KEY=${NEW_KEY}"
else
  echo "✅ Fase 2 concluída: a chave antiga não vale mais." >&2
fi
