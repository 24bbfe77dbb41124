# Uses a name that was never imported or defined (F821).
from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok", "version": __version__, "at": datetime.now().isoformat()}
