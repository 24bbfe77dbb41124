import json
import logging

import pytest

from consumer import (
    Consumer,
    DeadLetterPublishError,
    Message,
    PermanentError,
    TransientError,
)


class FakeQueue:
    def __init__(self, messages):
        self.pending = list(messages)
        self.acked = []

    def get(self):
        return self.pending.pop(0) if self.pending else None

    def ack(self, message):
        self.acked.append(message.id)


class FakeDLQ:
    def __init__(self, broken=False):
        self.letters = []
        self.broken = broken

    def publish(self, letter):
        if self.broken:
            raise ConnectionError("dlq unreachable")
        self.letters.append(letter)


class ScriptedHandler:
    """Raises the scripted errors in order, then succeeds."""

    def __init__(self, *errors):
        self.errors = list(errors)
        self.calls = []

    def __call__(self, event):
        self.calls.append(event)
        if self.errors:
            raise self.errors.pop(0)


def msg(mid="m-1", body=None):
    return Message(mid, json.dumps(body if body is not None else {"order_id": 7}))


def make(handler, dlq=None, **kwargs):
    sleeps = []
    kwargs.setdefault("max_attempts", 4)
    kwargs.setdefault("base_delay", 0.1)
    kwargs.setdefault("max_delay", 0.25)
    consumer = Consumer(handler, dlq if dlq is not None else FakeDLQ(), sleep=sleeps.append, **kwargs)
    return consumer, sleeps


def test_success_calls_handler_with_decoded_body():
    handler, dlq = ScriptedHandler(), FakeDLQ()
    consumer, sleeps = make(handler, dlq)
    queue = FakeQueue([msg()])
    stats = consumer.run(queue)
    assert handler.calls == [{"order_id": 7}]
    assert queue.acked == ["m-1"]
    assert dlq.letters == [] and sleeps == []
    assert (stats.handled, stats.retried, stats.dead_lettered) == (1, 0, 0)


def test_transient_failures_retry_with_exponential_backoff():
    handler, dlq = ScriptedHandler(TransientError("503"), TransientError("timeout")), FakeDLQ()
    consumer, sleeps = make(handler, dlq)
    queue = FakeQueue([msg()])
    stats = consumer.run(queue)
    assert len(handler.calls) == 3
    assert sleeps == pytest.approx([0.1, 0.2])
    assert dlq.letters == [] and queue.acked == ["m-1"]
    assert (stats.handled, stats.retried) == (1, 2)


def test_retries_are_bounded_then_dead_lettered():
    handler = ScriptedHandler(*[TransientError(f"t{i}") for i in range(10)])
    dlq = FakeDLQ()
    consumer, sleeps = make(handler, dlq)
    queue = FakeQueue([msg()])
    consumer.run(queue)
    assert len(handler.calls) == 4
    assert sleeps == pytest.approx([0.1, 0.2, 0.25])
    (letter,) = dlq.letters
    assert letter.reason == "retries_exhausted"
    assert letter.attempts == 4
    assert letter.error_type == "TransientError" and letter.error == "t3"
    assert letter.message == msg()
    assert queue.acked == ["m-1"]


def test_permanent_error_is_not_retried():
    handler, dlq = ScriptedHandler(PermanentError("unknown order 7")), FakeDLQ()
    consumer, sleeps = make(handler, dlq)
    consumer.run(FakeQueue([msg()]))
    assert len(handler.calls) == 1 and sleeps == []
    (letter,) = dlq.letters
    assert (letter.reason, letter.error_type, letter.attempts) == ("permanent_error", "PermanentError", 1)
    assert "unknown order 7" in letter.error


@pytest.mark.parametrize(
    "body",
    ["{not json", "[1, 2]", "null", "42", ""],
    ids=["broken-json", "array", "null", "number", "empty"],
)
def test_poison_message_goes_straight_to_dlq(body):
    handler, dlq = ScriptedHandler(), FakeDLQ()
    consumer, sleeps = make(handler, dlq)
    queue = FakeQueue([Message("bad", body), msg("good")])
    stats = consumer.run(queue)
    assert handler.calls == [{"order_id": 7}]
    (letter,) = dlq.letters
    assert letter.reason == "poison" and letter.attempts == 0
    assert letter.message.id == "bad" and letter.error
    assert queue.acked == ["bad", "good"]
    assert (stats.handled, stats.dead_lettered) == (1, 1)


def test_unexpected_error_is_dead_lettered_and_logged(caplog):
    handler, dlq = ScriptedHandler(KeyError("customer")), FakeDLQ()
    consumer, sleeps = make(handler, dlq)
    with caplog.at_level(logging.INFO, logger="consumer"):
        consumer.run(FakeQueue([msg("m-9")]))
    assert len(handler.calls) == 1 and sleeps == []
    (letter,) = dlq.letters
    assert (letter.reason, letter.error_type) == ("unexpected_error", "KeyError")
    errors = [r for r in caplog.records if r.name == "consumer" and r.levelno >= logging.ERROR]
    assert errors
    # The message id must be traceable: in the text or as a field of the record.
    assert any("m-9" in r.getMessage() or "m-9" in vars(r).values() for r in errors)


def test_dlq_failure_is_raised_and_message_not_acked():
    handler = ScriptedHandler(PermanentError("bad"))
    consumer, _ = make(handler, FakeDLQ(broken=True))
    queue = FakeQueue([msg("m-1"), msg("m-2")])
    with pytest.raises(DeadLetterPublishError) as info:
        consumer.run(queue)
    assert isinstance(info.value.__cause__, ConnectionError)
    assert queue.acked == []


def test_mixed_batch_keeps_going():
    outcomes = {
        "a": [],
        "b": [PermanentError("no")],
        "c": [TransientError("slow")],
        "d": [TransientError("x")] * 4,
    }

    def handler(event):
        errors = outcomes[event["key"]]
        if errors:
            raise errors.pop(0)

    dlq = FakeDLQ()
    consumer, sleeps = make(handler, dlq)
    queue = FakeQueue([msg(k, {"key": k}) for k in "abcd"])
    stats = consumer.run(queue)
    assert queue.acked == ["a", "b", "c", "d"]
    assert [(l.message.id, l.reason) for l in dlq.letters] == [
        ("b", "permanent_error"),
        ("d", "retries_exhausted"),
    ]
    assert (stats.handled, stats.dead_lettered, stats.retried) == (2, 2, 4)


def test_single_attempt_means_no_retry():
    handler, dlq = ScriptedHandler(TransientError("t")), FakeDLQ()
    consumer, sleeps = make(handler, dlq, max_attempts=1)
    consumer.run(FakeQueue([msg()]))
    assert len(handler.calls) == 1 and sleeps == []
    assert dlq.letters[0].reason == "retries_exhausted"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_attempts": 0},
        {"base_delay": -1.0},
        {"base_delay": 1.0, "max_delay": 0.5},
        {"max_delay": float("inf")},
    ],
    ids=["zero-attempts", "negative-delay", "cap-below-base", "infinite-cap"],
)
def test_invalid_configuration(kwargs):
    with pytest.raises(ValueError):
        make(ScriptedHandler(), **kwargs)
