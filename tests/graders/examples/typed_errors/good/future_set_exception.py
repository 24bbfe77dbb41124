# A worker thread routes failures into the caller's Future.
from concurrent.futures import Future


def run_job(job, future: Future) -> None:
    if not future.set_running_or_notify_cancel():
        return
    try:
        result = job()
    except Exception as exc:
        future.set_exception(exc)
    else:
        future.set_result(result)
