# A tuple of exception types that includes Exception, then swallowed.
import json


def parse_payload(raw: bytes) -> dict | None:
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError, Exception):
        return None
