# FastAPI async endpoint calls the upstream with requests, blocking the event loop.
import requests
from fastapi import FastAPI

app = FastAPI()


@app.get("/weather/{city}")
async def weather(city: str) -> dict:
    resp = requests.get(f"https://api.weather.test/v1/{city}", timeout=5)
    resp.raise_for_status()
    return resp.json()
