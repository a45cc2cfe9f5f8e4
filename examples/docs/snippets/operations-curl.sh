#!/usr/bin/env bash
# The admin calls of docs/operations.md with curl. B is the gateway's base URL, TOKEN an admin
# bearer token, INT_ID an integration and DELIVERY_ID a failed delivery; GNU date.
set -euo pipefail

# #region logs
# The errors of one integration in the last hour; add cursor=<next_cursor> for the next page.
curl -sS -w '\n' -G "$B/logs" -H "Authorization: Bearer $TOKEN" \
  --data-urlencode "int_id=$INT_ID" --data-urlencode status=ERROR \
  --data-urlencode "since=$(date -u -d '-1 hour' +%FT%TZ)" --data-urlencode limit=100
# #endregion logs

# #region usage
# Requests per minute over the last hour; `to` is exclusive, so end it after the current minute.
curl -sS -w '\n' -G "$B/integrations/$INT_ID/usage" -H "Authorization: Bearer $TOKEN" \
  --data-urlencode "from=$(date -u -d '-1 hour' +%FT%TZ)" \
  --data-urlencode "to=$(date -u -d '+1 minute' +%FT%TZ)" --data-urlencode bucket=minute
# #endregion usage

# #region deliveries
# The failed deliveries of one integration, with their attempts; then one of them sent again.
curl -sS -w '\n' -G "$B/deliveries" -H "Authorization: Bearer $TOKEN" \
  --data-urlencode "int_id=$INT_ID" --data-urlencode status=failed
curl -sS -w '\n' -X POST "$B/deliveries/$DELIVERY_ID/retry" -H "Authorization: Bearer $TOKEN"
# #endregion deliveries
