# TaskGroup failures: except* on a specific type, with typed re-raise.
import asyncio


class SyncFailedError(Exception):
    pass


async def sync_all(sources) -> None:
    try:
        async with asyncio.TaskGroup() as tg:
            for source in sources:
                tg.create_task(source.sync())
    except* ConnectionError as group:
        raise SyncFailedError(f"{len(group.exceptions)} sources unreachable") from group
