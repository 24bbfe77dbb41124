# suppress imported directly, used with BaseException around a metrics push.
from contextlib import suppress

from prometheus_client import CollectorRegistry, push_to_gateway


def push_metrics(registry: CollectorRegistry) -> None:
    with suppress(BaseException):
        push_to_gateway("localhost:9091", job="batch", registry=registry)
