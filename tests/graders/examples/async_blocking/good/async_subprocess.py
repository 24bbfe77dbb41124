# Uses asyncio.create_subprocess_exec for the external tool.
import asyncio


async def git_rev(repo: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        "git", "-C", repo, "rev-parse", "HEAD", stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"git rev-parse failed in {repo}")
    return out.decode().strip()
