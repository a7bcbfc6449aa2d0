#!/usr/bin/env bash
# reauth-instance.sh — reautenticação de uma instância (OPERATIONAL_PLAN §2.2), para o TurboZap.
#
#   API_URL=http://localhost:8080 API_KEY=... deploy/scripts/reauth-instance.sh NOME [--phone 5511999998888] [--raw]
#
# Igual ao playbook do plano (status -> POST connect -> GET qrcode -> `qrencode -t UTF8`), com o
# que no plano era frágil corrigido:
#   * API_URL e API_KEY vêm do ambiente (chave admin ou a chave da própria instância), nunca
#     escritos no script;
#   * em vez de `sleep 5` e uma única leitura do QR, consulta o QR até ele aparecer
#     (QR_TIMEOUT, padrão 60 s) e mostra de novo cada vez que o WhatsApp o renova (a cada ~20 s);
#   * depois espera o status `connected` com prazo (CONNECT_TIMEOUT, padrão 180 s) e sai com
#     código != 0 em qualquer falha (API fora do ar, chave errada, instância inexistente, prazo);
#   * `--phone NÚMERO` pede um código de pareamento (8 caracteres, digitado no celular em
#     "Aparelhos conectados > Conectar com número de telefone") em vez do QR;
#   * `--raw` imprime também a string do QR (linha `QR: ...`), para automação e testes;
#   * consulta a cada POLL_INTERVAL s (padrão 2; as consultas de status/qrcode contam no limite
#     de leituras REDIS_READ_RATE_LIMIT_RPM) e, se receber 429, espera o Retry-After.
#
# Códigos de saída: 0 conectado; 1 falha/prazo; 2 uso ou erro da API (401/404/conexão).
set -uo pipefail

usage() {
  echo "uso: API_URL=... API_KEY=... $0 NOME_DA_INSTANCIA [--phone NUMERO] [--raw]" >&2
  exit 2
}

INSTANCE_NAME=""
PHONE=""
RAW=0
while [ $# -gt 0 ]; do
  case "$1" in
    --phone) PHONE=${2:-}; [ -n "$PHONE" ] || usage; shift 2 ;;
    --raw) RAW=1; shift ;;
    -h|--help) usage ;;
    -*) echo "opção desconhecida: $1" >&2; usage ;;
    *) [ -z "$INSTANCE_NAME" ] || usage; INSTANCE_NAME=$1; shift ;;
  esac
done
[ -n "$INSTANCE_NAME" ] || usage

API_URL=${API_URL:-http://localhost:8080}
API_URL=${API_URL%/}
if [ -z "${API_KEY:-}" ]; then
  echo "❌ defina API_KEY (chave admin ou a chave da instância) no ambiente" >&2
  exit 2
fi
QR_TIMEOUT=${QR_TIMEOUT:-60}
CONNECT_TIMEOUT=${CONNECT_TIMEOUT:-180}
POLL_INTERVAL=${POLL_INTERVAL:-2}

for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "❌ $tool não encontrado (apt-get install $tool)" >&2; exit 2; }
done

# A API só aceita nomes [a-z0-9_-]; recusar o resto evita montar uma URL diferente da pretendida.
if ! [[ $INSTANCE_NAME =~ ^[a-z0-9_-]{1,64}$ ]]; then
  echo "❌ nome de instância inválido: $INSTANCE_NAME" >&2
  exit 2
fi

# api METHOD PATH -> corpo em stdout; falha (return 2) com a mensagem da API se HTTP != 2xx.
# 429 (o limite de leituras, REDIS_READ_RATE_LIMIT_RPM, vale para status/qrcode): espera o Retry-After
# e tenta de novo, em vez de abortar no meio da reautenticação.
api() {
  local method=$1 path=$2 body code retry tries=0
  while :; do
    body=$(curl -sS --max-time 15 -X "$method" -H "X-API-Key: ${API_KEY}" \
      -w '\n%{http_code} %header{retry-after}' "${API_URL}${path}") || {
      echo "❌ API inacessível em ${API_URL} ($method $path)" >&2
      return 2
    }
    code=${body##*$'\n'}
    body=${body%$'\n'*}
    retry=${code#* }
    code=${code%% *}
    if [ "$code" = 429 ] && [ "$tries" -lt 10 ]; then
      tries=$((tries + 1))
      [[ $retry =~ ^[0-9]+$ ]] || retry=5
      echo "⏳ limite de requisições da instância (429): aguardando ${retry}s" >&2
      sleep "$retry"
      continue
    fi
    break
  done
  if [ "${code:0:1}" != 2 ]; then
    echo "❌ $method $path -> HTTP $code: $(jq -r '.error.message // .error // .' <<<"$body" 2>/dev/null || echo "$body")" >&2
    return 2
  fi
  printf '%s' "$body"
}

status_now() { api GET "/instance/${INSTANCE_NAME}/status" | jq -r '.data.status'; }

echo "🔄 Iniciando reautenticação de ${INSTANCE_NAME}..."

# 1. Verificar status atual
STATUS=$(status_now) || exit 2
echo "📊 Status atual: ${STATUS}"
if [ "$STATUS" = "connected" ]; then
  echo "✅ Instância já conectada!"
  exit 0
fi

# 2. Pedir a conexão (desired_state=connected). Depois de um logout (`logged_out`) as
#    credenciais foram apagadas: o session-worker dono abre um socket novo e gera QR.
echo "🔌 Tentando conectar..."
connect_path="/instance/${INSTANCE_NAME}/connect"
[ -n "$PHONE" ] && connect_path="${connect_path}?phone=${PHONE}"
api POST "$connect_path" >/dev/null || exit 2

# 3. Esperar QR (ou código de pareamento) e depois `connected`, com prazo.
start=$SECONDS
last_qr=""
last_code=""
shown=0
while :; do
  elapsed=$((SECONDS - start))
  body=$(api GET "/instance/${INSTANCE_NAME}/qrcode") || exit 2
  STATUS=$(jq -r '.data.status' <<<"$body")
  if [ "$STATUS" = "connected" ]; then
    echo "✅ Conectado com sucesso! (${elapsed}s)"
    exit 0
  fi
  if [ -n "$PHONE" ]; then
    code=$(jq -r '.data.pairing_code // empty' <<<"$body")
    if [ -n "$code" ] && [ "$code" != "$last_code" ]; then
      echo "🔢 Código de pareamento: ${code}  (WhatsApp > Aparelhos conectados > Conectar com número de telefone)"
      last_code=$code
      shown=1
    fi
  else
    qr=$(jq -r '.data.qrcode // empty' <<<"$body")
    if [ -n "$qr" ] && [ "$qr" != "$last_qr" ]; then
      if [ "$shown" = 1 ]; then echo "♻️  QR code renovado. Escaneie o novo:"; else echo "✅ QR Code gerado. Escaneie no WhatsApp."; fi
      if command -v qrencode >/dev/null; then
        printf '%s' "$qr" | qrencode -t UTF8
      else
        echo "(qrencode não instalado: apt-get install qrencode; ou abra .data.base64 de /instance/${INSTANCE_NAME}/qrcode)"
      fi
      [ "$RAW" = 1 ] && echo "QR: ${qr}"
      last_qr=$qr
      shown=1
    fi
  fi
  if [ "$STATUS" = "failed" ]; then
    echo "❌ A conexão falhou (status failed). Verifique os logs do session-worker." >&2
    exit 1
  fi
  if [ "$shown" = 0 ] && [ "$elapsed" -ge "$QR_TIMEOUT" ]; then
    echo "❌ Nenhum QR em ${QR_TIMEOUT}s (status ${STATUS}). Há um session-worker rodando? Veja /ready e os logs." >&2
    exit 1
  fi
  if [ "$elapsed" -ge "$CONNECT_TIMEOUT" ]; then
    echo "❌ Não conectou em ${CONNECT_TIMEOUT}s (status ${STATUS}). Rode o script de novo para um QR novo." >&2
    exit 1
  fi
  sleep "$POLL_INTERVAL"
done
