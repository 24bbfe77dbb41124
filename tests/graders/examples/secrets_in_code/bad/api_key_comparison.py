# Admin endpoint authenticates by comparing against a literal API key.
from fastapi import FastAPI, Header, HTTPException

app = FastAPI()


@app.post("/admin/reindex")
def reindex(x_api_key: str = Header(...)) -> dict[str, str]:
    if x_api_key != "adm-7f3c9a1e5b2d4f60":
        raise HTTPException(status_code=401, detail="invalid api key")
    return {"status": "reindexing"}
