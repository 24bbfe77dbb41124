# GOOD: catches (ValueError, TypeError) and raises a typed ValidationError from the original.
from dataclasses import dataclass
from datetime import date
from typing import Any


class ValidationError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Booking:
    room: int
    day: date
    guests: int


def parse_booking(payload: dict[str, Any]) -> Booking:
    try:
        room = int(payload["room"])
    except KeyError as exc:
        raise ValidationError("room", "is required") from exc
    except (ValueError, TypeError) as exc:
        raise ValidationError("room", "must be an integer") from exc
    try:
        day = date.fromisoformat(payload.get("day", ""))
    except (ValueError, TypeError) as exc:
        raise ValidationError("day", "must be an ISO date (YYYY-MM-DD)") from exc
    guests = payload.get("guests", 1)
    if not isinstance(guests, int) or guests < 1:
        raise ValidationError("guests", "must be a positive integer")
    return Booking(room=room, day=day, guests=guests)
