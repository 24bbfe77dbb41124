# A background worker with no logging whatsoever.
import time


def drain(queue: list[dict], handler) -> int:
    done = 0
    while queue:
        job = queue.pop(0)
        handler(job)
        done += 1
        time.sleep(0)
    return done
