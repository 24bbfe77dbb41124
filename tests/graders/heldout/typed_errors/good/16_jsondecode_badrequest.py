# GOOD: json.JSONDecodeError caught narrowly and re-raised as werkzeug BadRequest with `from`.
import json
from typing import Any

from flask import Flask, jsonify, request
from werkzeug.exceptions import BadRequest

app = Flask(__name__)


class WebhookSignatureError(Exception):
    pass


def parse_event(raw: bytes) -> dict[str, Any]:
    try:
        event = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BadRequest(f"body is not JSON (line {exc.lineno}, column {exc.colno})") from exc
    if not isinstance(event, dict) or "type" not in event:
        raise BadRequest("event must be an object with a 'type' field")
    return event


@app.post("/webhooks/billing")
def billing_webhook():
    if request.headers.get("X-Signature") is None:
        raise WebhookSignatureError("missing X-Signature header")
    event = parse_event(request.get_data())
    return jsonify(received=event["type"]), 202
