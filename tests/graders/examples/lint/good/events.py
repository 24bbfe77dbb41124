# Event dispatch with closures that bind the loop variable explicitly (no B023).
from collections.abc import Callable

Handler = Callable[[dict[str, object]], None]


def make_handlers(names: list[str], sink: list[str]) -> list[Handler]:
    handlers: list[Handler] = []
    for name in names:

        def handle(event: dict[str, object], name: str = name) -> None:
            sink.append(f"{name}:{event.get('type')}")

        handlers.append(handle)
    return handlers
