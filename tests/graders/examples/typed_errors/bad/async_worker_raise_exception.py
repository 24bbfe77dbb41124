# Async job runner raising a generic Exception when retries are exhausted.
import asyncio


async def run_with_retries(job, attempts: int = 3) -> object:
    for attempt in range(1, attempts + 1):
        result = await job()
        if result is not None:
            return result
        await asyncio.sleep(2 ** attempt)
    raise Exception(f"job failed after {attempts} attempts")
