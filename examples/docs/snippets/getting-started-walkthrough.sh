#!/usr/bin/env bash
# The curl walk-through of docs/getting-started.md and the README. The test runs it against the
# guide's Express app, with BASE and ADMIN_TOKEN set, and checks what it prints.
# #region walkthrough
set -euo pipefail
BASE=${BASE:-http://127.0.0.1:${PORT:-8080}/api/gateway}
AUTH="Authorization: Bearer ${ADMIN_TOKEN:?set ADMIN_TOKEN to the admin token}"
field() { node -e 'process.stdout.write(String(JSON.parse(process.argv[1])[process.argv[2]]))' "$1" "$2"; }
# An admin call that stops the script with the server's problem document when it fails (a wrong token: 401).
admin() {
  local answer
  if answer=$(curl -sS --fail-with-body -H "$AUTH" "$@"); then printf '%s' "$answer"; else echo "$answer" >&2; exit 1; fi
}

# 1. Register an integration that signs with Standard Webhooks. The answer holds its API key and
#    the signing secret Portico generated: both are shown this once.
created=$(admin -X POST "$BASE/integrations" -H 'Content-Type: application/json' \
  -d '{"name":"Zabbix","type":"MONITORING","signature_scheme":"standard"}')
KEY=$(field "$created" api_key)
SECRET=$(field "$created" secret)
echo "registered $(field "$created" int_id)"

# 2. Send it a signed webhook: HMAC-SHA256 over "id.timestamp.body", keyed with the bytes of the
#    secret's base64 part. The key goes in X-Api-Key (or Authorization: Bearer).
BODY='{"event":"ALERT_RAISED","data":{"host":"db-1","password":"hunter2"}}'
ID="msg_$(date +%s)_$$"
TS=$(date +%s)
HEX_KEY=$(printf %s "${SECRET#whsec_}" | openssl base64 -d -A | od -An -v -tx1 | tr -d ' \n')
SIGNATURE=$(printf %s "$ID.$TS.$BODY" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$HEX_KEY" -binary | openssl base64 -A)
send() { curl -sS -X POST "$BASE/webhook" -H "X-Api-Key: $KEY" -H 'Content-Type: application/json' "$@" -w ' %{http_code}\n'; }
send -H "webhook-id: $ID" -H "webhook-timestamp: $TS" -H "webhook-signature: v1,$SIGNATURE" -d "$BODY"

# 3. The same webhook again is refused (409: this webhook-id was seen); unsigned, it is refused too (403).
send -H "webhook-id: $ID" -H "webhook-timestamp: $TS" -H "webhook-signature: v1,$SIGNATURE" -d "$BODY"
send -d "$BODY"

# 4. The log holds all three, newest first, the password masked; the stats count them.
admin "$BASE/logs?limit=3"; echo
admin "$BASE/stats"; echo
# #endregion walkthrough
