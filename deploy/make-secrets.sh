#!/usr/bin/env bash
# Make the secret files of a deployment ONCE: the compose stack (deploy/compose/secrets/) or a Kubernetes overlay
# (deploy/k8s/overlays/<env>/secrets/). Existing files are never overwritten: the pseudonym and vault keys must
# stay the same for the life of the data (another key gives the same people other pseudonyms and locks the vault).
# Back the folder up apart from the data; it is git-ignored.
#
#   deploy/make-secrets.sh DIR [--dsn 'host=... dbname=... user=... password=...'] [--placeholder-dsn]
#
# Writes (mode 0600, folder 0700): pseudonym.key vault.key audit.key audit-signing.key chainlit-jwt.key (32 random
# bytes, base64: what the application generates itself when alone), qdrant-api-key, vllm-api-key, postgres-password
# (random), postgres.dsn (--dsn, or the compose stack's own PostgreSQL; --placeholder-dsn writes an unusable one for
# rendering checks only). oauth2-proxy.cfg (cookie secret; fill in the OIDC client) when missing.
set -euo pipefail
usage() { echo "usage: $0 DIR [--dsn DSN | --placeholder-dsn]" >&2; exit 2; }
[ $# -ge 1 ] || usage
DIR=$1; shift
DSN="" PLACEHOLDER=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dsn) DSN=${2:?--dsn needs a value}; shift 2 ;;
    --placeholder-dsn) PLACEHOLDER=1; shift ;;
    *) usage ;;
  esac
done
umask 077
mkdir -p "$DIR"
chmod 700 "$DIR"
random() { head -c "$1" /dev/urandom | base64 | tr -d '\n'; }
made=()
put() {  # put NAME VALUE: write only when missing
  if [ ! -e "$DIR/$1" ]; then printf '%s\n' "$2" >"$DIR/$1"; made+=("$1"); fi
}
for key in pseudonym.key vault.key audit.key audit-signing.key chainlit-jwt.key; do put "$key" "$(random 32)"; done
put qdrant-api-key "$(random 32 | tr '+/' '-_' | tr -d '=')"
put vllm-api-key "$(random 32 | tr '+/' '-_' | tr -d '=')"
put postgres-password "$(random 24 | tr '+/' '-_' | tr -d '=')"
if [ -n "$DSN" ]; then
  [ -e "$DIR/postgres.dsn" ] && { echo "$DIR/postgres.dsn exists: edit it instead" >&2; exit 2; }
  put postgres.dsn "$DSN"
elif [ "$PLACEHOLDER" = 1 ]; then
  put postgres.dsn "host=postgres.invalid port=5432 dbname=assistant user=assistant password=not-a-real-password"
else
  put postgres.dsn "host=postgres port=5432 dbname=assistant user=assistant password=$(tr -d '\n' <"$DIR/postgres-password")"
fi
if [ ! -e "$DIR/oauth2-proxy.cfg" ]; then
  cat >"$DIR/oauth2-proxy.cfg" <<CFG
# oauth2-proxy in front of the assistant (OIDC). Fill in your provider; the assistant trusts X-Forwarded-User.
provider = "oidc"
oidc_issuer_url = "https://sso.example.eu/realms/retail"
client_id = "retail-assistant"
client_secret = "REPLACE-WITH-THE-OIDC-CLIENT-SECRET"
cookie_secret = "$(random 32 | tr '+/' '-_')"
cookie_secure = true
email_domains = ["*"]
pass_user_headers = true
CFG
  made+=(oauth2-proxy.cfg)
fi
chmod 600 "$DIR"/*
echo "secrets in $DIR: ${made[*]:-nothing new (existing files kept)}"
