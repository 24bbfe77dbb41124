# Async endpoint uses httpx.AsyncClient and awaits every call.
import httpx
from fastapi import FastAPI

app = FastAPI()


@app.get("/weather/{city}")
async def weather(city: str) -> dict:
    async with httpx.AsyncClient(timeout=5) as client:
        resp = await client.get(f"https://api.weather.test/v1/{city}")
    resp.raise_for_status()
    return resp.json()
