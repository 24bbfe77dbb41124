# Closures capture the loop variable late (B023).
from collections.abc import Callable


def make_validators(fields: list[str]) -> list[Callable[[dict[str, object]], bool]]:
    validators = []
    for field in fields:
        validators.append(lambda payload: field in payload)
    return validators
