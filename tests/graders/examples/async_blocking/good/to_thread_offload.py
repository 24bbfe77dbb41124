# Blocking file and subprocess work is offloaded with asyncio.to_thread.
import asyncio
import subprocess


def _convert(src: str, dst: str) -> None:
    subprocess.run(["convert", src, "-resize", "256x256", dst], check=True)


async def render_thumbnail(src: str, dst: str) -> None:
    await asyncio.to_thread(_convert, src, dst)
