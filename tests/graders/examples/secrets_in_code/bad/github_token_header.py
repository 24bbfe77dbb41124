# A GitHub personal access token inlined in request headers.
import httpx

HEADERS = {"Authorization": "token ghp_LMGZInJvQu4t2jXp72NtSMT6TljDhtNjd8iy", "Accept": "application/vnd.github+json"}


async def list_repos(org: str) -> list[str]:
    async with httpx.AsyncClient(headers=HEADERS) as client:
        resp = await client.get(f"https://api.github.com/orgs/{org}/repos")
        resp.raise_for_status()
        return [r["name"] for r in resp.json()]
