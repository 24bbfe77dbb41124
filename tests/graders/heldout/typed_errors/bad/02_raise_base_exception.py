# BAD: raises BaseException to abort a job, which bypasses every `except Exception` handler.
import logging
import time

logger = logging.getLogger(__name__)


class Job:
    def __init__(self, job_id: str, deadline: float) -> None:
        self.job_id = job_id
        self.deadline = deadline
        self.steps_done = 0


def run_step(job: Job) -> None:
    time.sleep(0.01)
    job.steps_done += 1


def run(job: Job, steps: int) -> int:
    for _ in range(steps):
        if time.monotonic() > job.deadline:
            raise BaseException(f"job {job.job_id} exceeded its deadline")
        run_step(job)
    logger.info("job finished", extra={"job_id": job.job_id, "steps": job.steps_done})
    return job.steps_done


if __name__ == "__main__":
    print(run(Job("j1", time.monotonic() + 1), 10))
