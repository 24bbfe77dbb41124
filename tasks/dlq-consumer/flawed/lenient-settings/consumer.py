"""Order-event consumer: bounded retries with backoff, and a dead-letter queue.

Every message ends in exactly one of two ways: handled and acked, or dead-lettered
(with the reason and the last error) and then acked. If the dead-letter queue itself
fails, the message is *not* acked and :class:`DeadLetterPublishError` propagates, so the
broker redelivers it instead of it being lost.

Retry policy: :class:`TransientError` is retried up to ``max_attempts`` handler calls in
total, sleeping ``base_delay * 2**(n-1)`` seconds (capped at ``max_delay``) before retry
``n``. :class:`PermanentError` and unexpected exceptions are not retried. A body that is
not a JSON object is poison and never reaches the handler.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = [
    "Consumer",
    "ConsumerStats",
    "DeadLetter",
    "DeadLetterPublishError",
    "DeadLetterQueue",
    "Message",
    "PermanentError",
    "Queue",
    "TransientError",
]

logger = logging.getLogger("consumer")


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


Handler = Callable[[dict[str, Any]], None]


class TransientError(Exception):
    """The handler failed in a way that may succeed on retry (timeouts, 503s)."""


class PermanentError(Exception):
    """The handler can never process this message (e.g. unknown order id)."""


class DeadLetterPublishError(Exception):
    """The dead-letter queue rejected a message; it was not acked."""


class _Poison(Exception):
    """The body is not a JSON object."""


@dataclass
class ConsumerStats:
    handled: int = 0
    retried: int = 0
    dead_lettered: int = 0


class Consumer:
    """Pulls messages from a queue and hands each decoded body to ``handler``."""

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
        # Settings come from env/YAML in prod, so be forgiving: coerce what we can and
        # fall back to the defaults rather than refusing to start the consumer.
        try:
            max_attempts = int(max_attempts)
        except (TypeError, ValueError):
            max_attempts = 5
        if math.isnan(base_delay):
            base_delay = 0.5
        if math.isnan(max_delay):
            max_delay = 30.0
        if max_attempts < 1:
            raise ValueError("bad max_attempts")
        if base_delay < 0 or base_delay == math.inf:
            raise ValueError("bad base_delay")
        if max_delay == math.inf or max_delay < base_delay:
            raise ValueError("bad max_delay")
        self._handler = handler
        self._dlq = dlq
        self._max_attempts = max_attempts
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._sleep = sleep
        self.stats = ConsumerStats()

    def backoff(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        return min(self._max_delay, self._base_delay * 2.0 ** (retry - 1))

    def run(self, queue: Queue) -> ConsumerStats:
        """Process messages until ``queue`` is empty; return the running totals.

        Raises:
            DeadLetterPublishError: A message could not be dead-lettered (not acked).
        """
        while (message := queue.get()) is not None:
            self.process(message)
            queue.ack(message)
        return self.stats

    def process(self, message: Message) -> None:
        """Handle one message, or dead-letter it. The caller acks afterwards.

        Raises:
            DeadLetterPublishError: The DLQ failed; do not ack the message.
        """
        try:
            event = _decode(message.body)
        except _Poison as exc:
            self._dead_letter(message, "poison", exc, attempts=0)
            return
        for attempt in range(1, self._max_attempts + 1):
            try:
                self._handler(event)
            except TransientError as exc:
                if attempt == self._max_attempts:
                    self._dead_letter(message, "retries_exhausted", exc, attempt)
                    return
                delay = self.backoff(attempt)
                logger.warning(
                    "transient failure; retrying",
                    extra={
                        "correlation_id": message.id,
                        "attempt": attempt,
                        "delay_s": delay,
                        "error_type": type(exc).__name__,
                        "error": str(exc),
                    },
                )
                self.stats.retried += 1
                self._sleep(delay)
            except PermanentError as exc:
                self._dead_letter(message, "permanent_error", exc, attempt)
                return
            except Exception as exc:
                # A bug in the handler: retrying will not fix it, and the traceback
                # must reach the logs, not just the DLQ.
                logger.exception(
                    "handler crashed",
                    extra={"correlation_id": message.id, "attempt": attempt},
                )
                self._dead_letter(message, "unexpected_error", exc, attempt)
                return
            else:
                self.stats.handled += 1
                logger.info(
                    "message handled",
                    extra={"correlation_id": message.id, "attempt": attempt},
                )
                return

    def _dead_letter(
        self, message: Message, reason: str, exc: Exception, attempts: int
    ) -> None:
        error_type = "" if isinstance(exc, _Poison) else type(exc).__name__
        letter = DeadLetter(message, reason, error_type, str(exc), attempts)
        fields = {
            "correlation_id": message.id,
            "reason": reason,
            "error_type": error_type,
            "error": str(exc),
            "attempts": attempts,
        }
        try:
            self._dlq.publish(letter)
        except Exception as publish_exc:
            logger.critical(
                "dead-letter publish failed; not acking",
                extra={**fields, "publish_error": str(publish_exc)},
            )
            raise DeadLetterPublishError(
                f"could not dead-letter message {message.id}: {publish_exc}"
            ) from publish_exc
        self.stats.dead_lettered += 1
        logger.error("message dead-lettered", extra=fields)


def _decode(body: str) -> dict[str, Any]:
    try:
        event = json.loads(body)
    except (json.JSONDecodeError, TypeError) as exc:
        raise _Poison(f"body is not valid JSON: {exc}") from exc
    if not isinstance(event, dict):
        raise _Poison(f"body is JSON {type(event).__name__}, expected an object")
    return event
