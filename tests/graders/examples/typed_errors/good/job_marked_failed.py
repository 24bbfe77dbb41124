# Background job runner records the failure on the job and re-queues it.
import logging

log = logging.getLogger(__name__)


def run_pending(repo, handlers) -> None:
    for job in repo.pending():
        try:
            handlers[job.kind](job.payload)
        except Exception as exc:
            log.exception("job %s failed", job.id)
            repo.mark_failed(job.id, exc)
        else:
            repo.mark_done(job.id)
