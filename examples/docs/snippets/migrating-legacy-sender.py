#!/usr/bin/env python3
"""A sender built against the original router, unchanged but for its new API key.

For docs/migrating-from-fastapi.md. Environment: PORTICO_URL (the gateway's base URL, ending in
/api/gateway), PORTICO_API_KEY, PORTICO_SECRET. Prints the status and the answer as JSON.
"""
# #region send
import hashlib
import hmac
import json
import urllib.error
import urllib.request


def send_event(base_url: str, api_key: str, secret: str, event: str, data: dict) -> tuple[int, dict]:
    body = json.dumps({"event": event, "data": data, "source": "external"}).encode()
    # The original router's scheme: the HMAC key is the hex SHA-256 of the secret, not the secret.
    hmac_key = hashlib.sha256(secret.encode()).hexdigest().encode()
    signature = "sha256=" + hmac.new(hmac_key, body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        f"{base_url}/webhook/{api_key}",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        # A problem document: `detail` as FastAPI had it, and a `code` to branch on.
        return error.code, json.load(error)
# #endregion send


if __name__ == "__main__":
    import os
    import sys

    status, answer = send_event(
        os.environ["PORTICO_URL"],
        os.environ["PORTICO_API_KEY"],
        os.environ["PORTICO_SECRET"],
        sys.argv[1] if len(sys.argv) > 1 else "ALERT_RAISED",
        {"host": "db-1"},
    )
    print(json.dumps({"status": status, "answer": answer}))
