# BAD: logs the failure but returns [] from a broad catch; the caller renders "no results" during an outage.
import logging

import httpx
from fastapi import FastAPI

app = FastAPI()
logger = logging.getLogger(__name__)
RECS_URL = "http://127.0.0.1:8090/recommendations"


async def fetch_recommendations(user_id: int) -> list[dict]:
    try:
        async with httpx.AsyncClient(timeout=2.0) as client:
            resp = await client.get(RECS_URL, params={"user_id": user_id})
            resp.raise_for_status()
            return resp.json()["items"]
    except Exception:
        logger.exception("recommendations failed", extra={"user_id": user_id})
        return []


@app.get("/users/{user_id}/home")
async def home(user_id: int):
    recs = await fetch_recommendations(user_id)
    return {"user_id": user_id, "recommendations": recs}


@app.get("/health")
async def health():
    return {"status": "ok"}
