# Cursor pagination helpers with keyword-only defaults that are immutable.
import base64
import json


def encode_cursor(last_id: int, *, direction: str = "next") -> str:
    raw = json.dumps({"id": last_id, "dir": direction}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_cursor(cursor: str) -> tuple[int, str]:
    data = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    return int(data["id"]), str(data["dir"])


def page(items: list[int], limit: int, after: int | None = None) -> list[int]:
    start = 0 if after is None else items.index(after) + 1
    return items[start : start + limit]
