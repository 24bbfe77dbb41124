# An async job worker shells out with subprocess.run, blocking all other jobs.
import asyncio
import subprocess


async def render_thumbnail(src: str, dst: str) -> None:
    subprocess.run(["convert", src, "-resize", "256x256", dst], check=True)


async def worker(queue: asyncio.Queue) -> None:
    while True:
        src, dst = await queue.get()
        await render_thumbnail(src, dst)
        queue.task_done()
