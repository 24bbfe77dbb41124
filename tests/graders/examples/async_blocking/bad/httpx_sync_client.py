# Uses the synchronous httpx.Client inside an async function.
import httpx


async def fetch_profile(user_id: int) -> dict:
    with httpx.Client(base_url="https://users.internal", timeout=3.0) as client:
        resp = client.get(f"/users/{user_id}")
        resp.raise_for_status()
        return resp.json()
