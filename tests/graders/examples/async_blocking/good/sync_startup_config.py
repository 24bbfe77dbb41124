# Config is read synchronously once at import time, not inside async handlers.
import json
from pathlib import Path

from fastapi import FastAPI

CONFIG = json.loads(Path("config.json").read_text(encoding="utf-8"))
app = FastAPI()


@app.get("/features")
async def features() -> dict:
    return {"flags": CONFIG.get("flags", {})}
