# Broad catch increments a metric, records the span error, and re-raises.
from opentelemetry import trace
from prometheus_client import Counter

FAILURES = Counter("jobs_failed_total", "Failed jobs", ["kind"])
tracer = trace.get_tracer(__name__)


def run(job) -> None:
    with tracer.start_as_current_span("job") as span:
        try:
            job.execute()
        except Exception as exc:
            FAILURES.labels(kind=job.kind).inc()
            span.record_exception(exc)
            raise
