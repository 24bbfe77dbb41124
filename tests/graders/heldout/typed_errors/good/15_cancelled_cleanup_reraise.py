# GOOD: handles asyncio.CancelledError only to release the lease, then re-raises it.
import asyncio
import logging

logger = logging.getLogger(__name__)


class LeaseLost(RuntimeError):
    pass


class Lease:
    def __init__(self, name: str) -> None:
        self.name = name
        self.held = False

    async def acquire(self) -> None:
        self.held = True

    async def release(self) -> None:
        self.held = False


async def run_with_lease(lease: Lease, work_seconds: float) -> None:
    await lease.acquire()
    try:
        await asyncio.sleep(work_seconds)
        if not lease.held:
            raise LeaseLost(f"lease {lease.name} expired mid-run")
    except asyncio.CancelledError:
        logger.info("cancelled; releasing lease", extra={"lease": lease.name})
        await lease.release()
        raise
    await lease.release()
