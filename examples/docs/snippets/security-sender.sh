#!/usr/bin/env bash
# Sends one Standard Webhooks signed webhook to Portico with curl and openssl.
#   PORTICO_WEBHOOK_URL=http://127.0.0.1:8080/api/gateway/webhook PORTICO_API_KEY=gk_... \
#   PORTICO_WEBHOOK_SECRET=whsec_... bash security-sender.sh '{"event":"ALERT_RAISED"}'
# Prints the answer, then its HTTP status on a line of its own; exits non-zero unless 2xx.
set -euo pipefail

body=${1:-'{"event":"ALERT_RAISED","data":{"host":"db-1"}}'}
# Reuse the id when retrying an event, so that Portico can tell a retry (409) from a new event.
id=${PORTICO_WEBHOOK_ID:-msg_$(openssl rand -hex 16)}
timestamp=$(date +%s)

# The HMAC key is the base64 after whsec_, decoded; openssl takes it as hex. It appears in
# openssl's arguments for a moment: on a machine shared with others, prefer the Node or Python sender.
key_hex=$(printf '%s' "${PORTICO_WEBHOOK_SECRET#whsec_}" | openssl base64 -d -A | od -An -v -tx1 | tr -d ' \n')
signature=$(printf '%s.%s.%s' "$id" "$timestamp" "$body" |
  openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key_hex" -binary | openssl base64 -A)

# The API key reaches curl on stdin (-H @-), not in its arguments. --data-binary sends the
# body byte for byte, as signed.
printf 'X-Api-Key: %s\n' "$PORTICO_API_KEY" |
  curl --silent --show-error --fail-with-body --write-out '\n%{http_code}\n' \
    -X POST "$PORTICO_WEBHOOK_URL" \
    -H @- \
    -H 'Content-Type: application/json' \
    -H "webhook-id: $id" \
    -H "webhook-timestamp: $timestamp" \
    -H "webhook-signature: v1,$signature" \
    --data-binary "$body"
