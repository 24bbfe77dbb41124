# Chains with from, but the new error is still a generic Exception.
import json


def load_settings(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except json.JSONDecodeError as exc:
        raise Exception(f"bad settings file {path}") from exc
