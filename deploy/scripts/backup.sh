#!/usr/bin/env bash
# backup.sh — backup criptografado do TurboZap (OPERATIONAL_PLAN §3.2, feito direito).
#
#   DATABASE_URL=postgres://... BACKUP_PASSPHRASE_FILE=/etc/turbozap/backup.pass \
#     deploy/scripts/backup.sh [--with-messages] [--dir /backups/turbozap] [--env-file .env]
#
# O que grava em BACKUP_DIR (padrão /backups/turbozap), com umask 077:
#   turbozap_db_AAAAMMDD_HHMMSS.dump.enc   pg_dump em formato custom (compactado), CRIPTOGRAFADO
#                                          e AUTENTICADO (AES-256-CTR + HMAC-SHA256, formato em
#                                          backup-crypto.sh) com a senha de BACKUP_PASSPHRASE ou
#                                          do arquivo BACKUP_PASSPHRASE_FILE; o restore recusa um
#                                          arquivo alterado ou truncado
#   env_AAAAMMDD_HHMMSS.bak                o .env SEM segredos (API_KEY, SESSION_ENCRYPTION_KEY(S),
#                                          S3_*_KEY, senhas, tokens e senhas dentro de URLs)
#
# Conteúdo do dump: sessões (wa_auth_creds, wa_auth_keys — já cifradas com AES-256-GCM pela
# SESSION_ENCRYPTION_KEY), configuração (instances, webhooks, api_keys — só hashes) e o
# histórico de migrations. Por padrão as LINHAS de messages, webhook_deliveries,
# webhook_attempts e events_outbox ficam de fora (o esquema delas vai); `--with-messages`
# inclui tudo.
#
# O chaveiro de sessão (SESSION_ENCRYPTION_KEY / SESSION_ENCRYPTION_KEYS) NÃO vai no backup,
# nem a senha do backup: guarde os dois no cofre de segredos (ver docs/OPERATIONS.md §3). Sem o
# chaveiro as sessões restauradas não abrem e todas as instâncias precisam de QR de novo.
#
# Diferenças em relação ao script do plano: a URL do banco vem do ambiente (ou do .env), o dump
# é verificado, cifrado e autenticado, é gravado de forma atômica (.partial -> nome final), o
# .env copiado não leva segredos, e a retenção (RETENTION_DAYS, padrão 7) apaga só arquivos
# deste script.
# PG_DUMP / PG_RESTORE podem apontar para outro binário (ex.: "docker compose exec -T postgres
# pg_dump") quando o pg_dump local for mais velho que o servidor.
set -euo pipefail
umask 077
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/backup-crypto.sh"

BACKUP_DIR=${BACKUP_DIR:-/backups/turbozap}
ENV_FILE=${ENV_FILE:-.env}
RETENTION_DAYS=${RETENTION_DAYS:-7}
WITH_MESSAGES=0
VERIFY=1

usage() {
  echo "uso: $0 [--with-messages] [--dir DIR] [--env-file ARQUIVO] [--no-verify]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --with-messages) WITH_MESSAGES=1; shift ;;
    --dir) BACKUP_DIR=${2:?}; shift 2 ;;
    --env-file) ENV_FILE=${2:?}; shift 2 ;;
    --no-verify) VERIFY=0; shift ;;
    -h|--help) usage ;;
    *) echo "argumento desconhecido: $1" >&2; usage ;;
  esac
done

read -r -a PG_DUMP_CMD <<<"${PG_DUMP:-pg_dump}"
read -r -a PG_RESTORE_CMD <<<"${PG_RESTORE:-pg_restore}"

# Uma variável do .env (sem aspas), para quando ela não está no ambiente.
env_file_value() {
  [ -f "$ENV_FILE" ] || return 0
  sed -n -E "s/^[[:space:]]*(export[[:space:]]+)?$1=[\"']?([^\"']*)[\"']?[[:space:]]*$/\2/p" "$ENV_FILE" | tail -n 1
}

DATABASE_URL=${DATABASE_URL:-$(env_file_value DATABASE_URL)}
if [ -z "$DATABASE_URL" ]; then
  echo "❌ defina DATABASE_URL (no ambiente ou em $ENV_FILE)" >&2
  exit 2
fi

bk_passphrase "o backup leva as sessões e é sempre criptografado"

for tool in openssl od; do
  command -v "$tool" >/dev/null || { echo "❌ $tool não encontrado" >&2; exit 2; }
done
command -v "${PG_DUMP_CMD[0]}" >/dev/null || { echo "❌ ${PG_DUMP_CMD[0]} não encontrado (apt-get install postgresql-client)" >&2; exit 2; }

DATE=$(date +%Y%m%d_%H%M%S)
mkdir -p "$BACKUP_DIR"
DB_FILE="${BACKUP_DIR}/turbozap_db_${DATE}.dump.enc"
PARTIAL="${DB_FILE}.partial"
trap 'rm -f "$PARTIAL"' EXIT

exclude=()
if [ "$WITH_MESSAGES" = 0 ]; then
  for table in messages webhook_deliveries webhook_attempts events_outbox; do
    exclude+=("--exclude-table-data=${table}")
  done
fi

# Backup PostgreSQL: dump -> criptografia autenticada, sem nada em claro no disco.
echo "📦 Backup do PostgreSQL$([ "$WITH_MESSAGES" = 1 ] && echo " (com mensagens)" || echo " (sessões e configuração; sem as linhas de mensagens)")..."
"${PG_DUMP_CMD[@]}" --format=custom --compress=6 "${exclude[@]}" --dbname="$DATABASE_URL" | bk_encrypt_to "$PARTIAL"

if [ "$VERIFY" = 1 ]; then
  # Confere a tag e lê o dump inteiro decifrado num pipe (pg_restore para /dev/null): prova que
  # a senha, a autenticação e cada bloco do dump estão bons, sem gravar nada em claro.
  if ! { bk_verify "$PARTIAL" && bk_decrypt "$PARTIAL" | bk_drained "${PG_RESTORE_CMD[@]}" --file=/dev/null; }; then
    echo "❌ o backup gravado não pôde ser lido de volta" >&2
    exit 1
  fi
fi
mv "$PARTIAL" "$DB_FILE"

# Backup configurações (sem dados sensíveis): segredos esvaziados, senhas em URLs trocadas.
ENV_COPY=""
if [ -f "$ENV_FILE" ]; then
  echo "📄 Backup de configurações (sem segredos)..."
  ENV_COPY="${BACKUP_DIR}/env_${DATE}.bak"
  awk '
    {
      line = $0
      body = line
      sub(/^[ \t]*(export[ \t]+)?/, "", body)
      if (body ~ /^[A-Za-z_][A-Za-z0-9_]*=/) {
        name = substr(body, 1, index(body, "=") - 1)
        if (name !~ /_FILE$/ && name ~ /(KEY|KEYS|SECRET|PASSWORD|PASSPHRASE|PASS|TOKEN|CREDENTIALS)$/) {
          print "# " name ": removido do backup (segredo: fica no cofre de segredos)"
          print name "="
          next
        }
      }
      print line
    }' "$ENV_FILE" |
    sed -E 's#(://[^:/@[:space:]"'"'"']*):[^@/[:space:]"'"'"']*@#\1:REMOVIDO@#g' >"$ENV_COPY"
else
  echo "ℹ️  $ENV_FILE não existe: nenhuma cópia de configuração (em Kubernetes a configuração está nos manifests e no Secret)."
fi

# Limpar backups antigos (manter RETENTION_DAYS dias): só arquivos deste script (os .sha256
# são das versões anteriores, que gravavam uma soma sem chave ao lado do backup).
find "$BACKUP_DIR" -maxdepth 1 -type f \
  \( -name 'turbozap_db_*.dump.enc' -o -name 'turbozap_db_*.dump.enc.sha256' -o -name 'env_*.bak' \) \
  -mtime +"$RETENTION_DAYS" -delete

echo "✅ Backup concluído em ${BACKUP_DIR}:"
echo "   $(basename "$DB_FILE") ($(du -h "$DB_FILE" | cut -f1), criptografado e autenticado)"
[ -n "$ENV_COPY" ] && echo "   $(basename "$ENV_COPY") (sem segredos)"
echo "   O chaveiro de sessão (SESSION_ENCRYPTION_KEY/KEYS) e a senha do backup NÃO estão aqui: confira que estão no cofre."
echo "BACKUP_FILE=${DB_FILE}"
