# Upstream HTTP error translated into a service error without from.
import httpx


class UpstreamError(Exception):
    def __init__(self, service: str, detail: str) -> None:
        super().__init__(f"{service}: {detail}")


async def charge(client: httpx.AsyncClient, amount_cents: int, token: str) -> str:
    try:
        resp = await client.post("/charges", json={"amount": amount_cents, "source": token})
        resp.raise_for_status()
    except httpx.HTTPStatusError as exc:
        raise UpstreamError("payments", exc.response.text)
    return resp.json()["id"]
