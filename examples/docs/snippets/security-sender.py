#!/usr/bin/env python3
r"""Sends one Standard Webhooks signed webhook to Portico; Python 3.9+ standard library only.

    PORTICO_API_KEY=gk_... PORTICO_WEBHOOK_SECRET=whsec_... \
      python3 security-sender.py http://127.0.0.1:8080/api/gateway/webhook '{"event": "ALERT_RAISED"}'

The URL may come from PORTICO_WEBHOOK_URL instead. The key and the secret are read from the
environment only: a command line is visible to every user of the machine (ps). To retry an
event, send it again with the same PORTICO_WEBHOOK_ID.
"""
import base64
import hashlib
import hmac
import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.request


def sign(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    # The HMAC key is the base64 after whsec_, decoded: not the text of the secret.
    key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def send(url: str, api_key: str, secret: str, event: dict, msg_id: str = "") -> tuple[int, dict]:
    body = json.dumps(event).encode()  # serialised once: these exact bytes are signed and sent
    msg_id = msg_id or "msg_" + secrets.token_hex(16)
    timestamp = str(int(time.time()))
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Authorization": f"Bearer {api_key}",
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": sign(secret, msg_id, timestamp, body),
    })
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:  # 4xx and 5xx carry an RFC 9457 problem
        return error.code, json.load(error)


if __name__ == "__main__":
    url = sys.argv[1] if len(sys.argv) > 1 else os.environ["PORTICO_WEBHOOK_URL"]
    event = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {"event": "ALERT_RAISED", "data": {"host": "db-1"}}
    status, answer = send(url, os.environ["PORTICO_API_KEY"], os.environ["PORTICO_WEBHOOK_SECRET"], event,
                          os.environ.get("PORTICO_WEBHOOK_ID", ""))
    print(status, json.dumps(answer))
    sys.exit(0 if 200 <= status < 300 else 1)
