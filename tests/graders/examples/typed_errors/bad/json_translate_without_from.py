# Request body parse error translated into a validation error without from.
import json


class InvalidPayloadError(ValueError):
    pass


def parse_event(raw: str) -> dict:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as err:
        raise InvalidPayloadError(f"invalid JSON at position {err.pos}")
    if "type" not in data:
        raise InvalidPayloadError("missing 'type'")
    return data
