# httpx errors translated into typed upstream errors with from.
import httpx


class UpstreamError(Exception):
    def __init__(self, service: str, detail: str) -> None:
        super().__init__(f"{service}: {detail}")
        self.service = service


class UpstreamTimeoutError(UpstreamError):
    pass


async def charge(client: httpx.AsyncClient, amount_cents: int, token: str) -> str:
    try:
        resp = await client.post("/charges", json={"amount": amount_cents, "source": token})
        resp.raise_for_status()
    except httpx.TimeoutException as exc:
        raise UpstreamTimeoutError("payments", "timed out") from exc
    except httpx.HTTPStatusError as exc:
        raise UpstreamError("payments", exc.response.text) from exc
    return resp.json()["id"]
