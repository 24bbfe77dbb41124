# Broad catch in a retry helper keeps the exception and re-raises it when out of tries.
import asyncio


class RetriesExhaustedError(Exception):
    pass


async def with_retries(op, attempts: int = 3, delay: float = 0.5):
    errors: list[BaseException] = []
    for _ in range(attempts):
        try:
            return await op()
        except Exception as exc:
            errors.append(exc)
            await asyncio.sleep(delay)
    raise RetriesExhaustedError(f"{attempts} attempts failed") from errors[-1]
