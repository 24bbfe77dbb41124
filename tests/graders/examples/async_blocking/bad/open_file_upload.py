# Saves an uploaded file with blocking open()/write inside the async endpoint.
from fastapi import FastAPI, UploadFile

app = FastAPI()


@app.post("/upload")
async def upload(file: UploadFile) -> dict:
    data = await file.read()
    with open(f"/srv/uploads/{file.filename}", "wb") as fh:
        fh.write(data)
    return {"size": len(data)}
