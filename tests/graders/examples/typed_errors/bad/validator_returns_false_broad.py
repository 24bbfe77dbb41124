# A validator that hides every error behind a boolean.
from datetime import date


def is_valid_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
        return True
    except Exception:
        return False
