#!/usr/bin/env bash
# Sends one webhook with a GitHub-style signature, for an integration created with
# "signature_scheme": "github". Same environment and output as security-sender.sh.
set -euo pipefail

body=${1:-'{"event":"ALERT_RAISED","data":{"host":"db-1"}}'}

# HMAC-SHA256 of the body alone, keyed with the text of the secret, in hex. Nothing signs a time
# or an id: this scheme has no replay protection.
signature=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$PORTICO_WEBHOOK_SECRET" -r | cut -d' ' -f1)

printf 'X-Api-Key: %s\n' "$PORTICO_API_KEY" |
  curl --silent --show-error --fail-with-body --write-out '\n%{http_code}\n' \
    -X POST "$PORTICO_WEBHOOK_URL" \
    -H @- \
    -H 'Content-Type: application/json' \
    -H "X-Hub-Signature-256: sha256=$signature" \
    --data-binary "$body"
