"""Order-event consumer with retries and a dead-letter queue."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Message:
    id: str
    #: JSON text; a valid message is a JSON object.
    body: str


@dataclass(frozen=True)
class DeadLetter:
    message: Message
    #: "poison", "permanent_error", "retries_exhausted" or "unexpected_error".
    reason: str
    #: Class name of the last error ("" for poison messages).
    error_type: str
    #: str() of the last error, or why the body is poison.
    error: str
    #: How many times the handler was called.
    attempts: int


class Queue(Protocol):
    def get(self) -> Message | None:
        """Next message, or None when the queue is empty."""

    def ack(self, message: Message) -> None:
        """Remove the message for good."""


class DeadLetterQueue(Protocol):
    def publish(self, letter: DeadLetter) -> None:
        """Store a dead letter; may raise if the DLQ is unavailable."""


@dataclass
class ConsumerStats:
    handled: int = 0
    retried: int = 0
    dead_lettered: int = 0


Handler = Callable[[dict[str, Any]], None]


class Consumer:
    def __init__(
        self,
        handler: Handler,
        dlq: DeadLetterQueue,
        *,
        max_attempts: int = 5,
        base_delay: float = 0.5,
        max_delay: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        raise NotImplementedError

    def process(self, message: Message) -> None:
        raise NotImplementedError

    def run(self, queue: Queue) -> ConsumerStats:
        raise NotImplementedError
