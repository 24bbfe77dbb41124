# JSON parse errors become a typed InvalidPayloadError with from.
import json


class InvalidPayloadError(ValueError):
    pass


def parse_event(raw: str) -> dict:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as err:
        raise InvalidPayloadError(f"invalid JSON at position {err.pos}") from err
    if "type" not in data:
        raise InvalidPayloadError("missing 'type'")
    return data
