# backup-crypto.sh — o formato cifrado e autenticado dos backups (lido por backup.sh e restore.sh).
#
# Arquivo = cabeçalho || saída do `openssl enc` || tag (32 bytes):
#   cabeçalho   "TURBOZAP-BACKUP v2 aes-256-ctr+hmac-sha256 pbkdf2:<iter> salt:<16 hex>\n"
#   openssl enc AES-256-CTR, chave e IV por PBKDF2-SHA256(senha, sal aleatório do "Salted__")
#   tag         HMAC-SHA256(chave_mac, cabeçalho || saída do openssl) — encrypt-then-MAC
#   chave_mac   PBKDF2-SHA512(senha, sal do cabeçalho): outra função e outro sal, logo uma
#               chave independente da de cifra.
# Por quê: `openssl enc` não tem modo autenticado (nem GCM), e o `age` só aceita senha num
# terminal. A tag é conferida por inteiro ANTES de decifrar qualquer byte: arquivo alterado,
# truncado ou senha errada = nada decifrado, nada restaurado.
# Nenhum segredo em linha de comando (visível no `ps`): a senha vai por `-pass file:`/`env:`, e
# o HMAC é calculado com o printf embutido do bash e `openssl dgst` (o `-hmac` do openssl pede a
# chave como argumento).

BK_MAGIC="TURBOZAP-BACKUP v2 aes-256-ctr+hmac-sha256"
BK_ITER=200000
BK_TAG_BYTES=32

# Define BK_PASS_ARG a partir de BACKUP_PASSPHRASE_FILE ou BACKUP_PASSPHRASE; senão, código 2.
bk_passphrase() {
  if [ -n "${BACKUP_PASSPHRASE_FILE:-}" ]; then
    [ -r "$BACKUP_PASSPHRASE_FILE" ] || { echo "❌ BACKUP_PASSPHRASE_FILE ilegível: $BACKUP_PASSPHRASE_FILE" >&2; exit 2; }
    BK_PASS_ARG="file:${BACKUP_PASSPHRASE_FILE}"
  elif [ -n "${BACKUP_PASSPHRASE:-}" ]; then
    export BACKUP_PASSPHRASE
    BK_PASS_ARG="env:BACKUP_PASSPHRASE"
  else
    echo "❌ defina BACKUP_PASSPHRASE ou BACKUP_PASSPHRASE_FILE: $1" >&2
    exit 2
  fi
}

bk_hex() { od -An -v -tx1 | tr -d ' \n'; }

# HMAC-SHA256 (RFC 2104) da entrada padrão com a chave $1 (hex, 32 bytes); imprime a tag em hex.
bk_hmac() {
  local key=$1 ipad='' opad='' pair byte hx i inner
  for ((i = 0; i < 64; i++)); do
    pair=${key:2*i:2}
    byte=$((16#${pair:-00}))
    printf -v hx '\\x%02x' $((byte ^ 0x36))
    ipad+=$hx
    printf -v hx '\\x%02x' $((byte ^ 0x5c))
    opad+=$hx
  done
  inner=$({ printf "$ipad"; cat; } | openssl dgst -sha256 -binary | bk_hex)
  { printf "$opad"; printf "$(sed 's/../\\x&/g' <<<"$inner")"; } | openssl dgst -sha256 -binary | bk_hex
}

# Chave do MAC: PBKDF2-SHA512(senha, sal $2, $1 iterações), lida do `-P` do openssl (não cifra nada).
bk_mac_key() {
  openssl enc -aes-256-ctr -pbkdf2 -iter "$1" -md sha512 -S "$2" -pass "$BK_PASS_ARG" -P | sed -n 's/^key=//p'
}

# Cifra a entrada padrão para o arquivo $1 (cabeçalho, dados, tag).
bk_encrypt_to() {
  local out=$1 salt header key
  salt=$(openssl rand -hex 8)
  header="$BK_MAGIC pbkdf2:$BK_ITER salt:$salt"
  key=$(bk_mac_key "$BK_ITER" "$salt")
  [[ $key =~ ^[0-9A-Fa-f]{64}$ ]] || { echo "❌ não foi possível derivar a chave do backup" >&2; return 1; }
  {
    printf '%s\n' "$header"
    openssl enc -aes-256-ctr -pbkdf2 -iter "$BK_ITER" -md sha256 -salt -pass "$BK_PASS_ARG"
  } >"$out"
  printf "$(bk_hmac "$key" <"$out" | sed 's/../\\x&/g')" >>"$out"
}

# Confere o formato e a tag do arquivo $1. Define BK_HEADER_LEN e BK_FILE_ITER; 1 se não confere.
bk_verify() {
  local file=$1 header salt key tag
  header=$(head -c 160 "$file" | head -n 1 | tr -d '\0')
  if [[ ! $header =~ ^"$BK_MAGIC"\ pbkdf2:([1-9][0-9]{5,6})\ salt:([0-9a-f]{16})$ ]]; then
    echo "❌ não é um backup do backup.sh (formato v2)" >&2
    [ "$(head -c 8 "$file" | tr -d '\0')" != Salted__ ] ||
      echo "   é do formato antigo (AES-CBC, sem autenticação): ver restore.sh --accept-legacy-cbc" >&2
    return 1
  fi
  BK_FILE_ITER=${BASH_REMATCH[1]}
  salt=${BASH_REMATCH[2]}
  BK_HEADER_LEN=$((${#header} + 1))
  if [ "$(stat -c %s "$file")" -le $((BK_HEADER_LEN + BK_TAG_BYTES)) ]; then
    echo "❌ backup truncado" >&2
    return 1
  fi
  key=$(bk_mac_key "$BK_FILE_ITER" "$salt")
  # Never an empty key by accident: HMAC under a known key is a tag anyone can forge.
  [[ $key =~ ^[0-9A-Fa-f]{64}$ ]] || { echo "❌ não foi possível derivar a chave do backup" >&2; return 1; }
  tag=$(tail -c "$BK_TAG_BYTES" "$file" | bk_hex)
  if [ "$(head -c -"$BK_TAG_BYTES" "$file" | bk_hmac "$key")" != "$tag" ]; then
    echo "❌ autenticação do backup falhou (HMAC): senha do backup errada, ou arquivo alterado ou truncado" >&2
    return 1
  fi
}

# Decifra o arquivo $1 (já conferido por bk_verify) para a saída padrão.
bk_decrypt() {
  tail -c +$((BK_HEADER_LEN + 1)) "$1" | head -c -"$BK_TAG_BYTES" |
    openssl enc -d -aes-256-ctr -pbkdf2 -iter "$BK_FILE_ITER" -md sha256 -pass "$BK_PASS_ARG"
}

# Roda o comando com a entrada padrão e depois consome o que ele não leu: quem escreve no pipe
# não morre de SIGPIPE (com pipefail, isso faria um pg_restore bem-sucedido parecer falha).
bk_drained() {
  local status=0
  "$@" || status=$?
  cat >/dev/null
  return "$status"
}
