# File upload written with aiofiles.
import aiofiles
from fastapi import FastAPI, UploadFile

app = FastAPI()


@app.post("/upload")
async def upload(file: UploadFile) -> dict:
    data = await file.read()
    async with aiofiles.open(f"/srv/uploads/{file.filename}", "wb") as fh:
        await fh.write(data)
    return {"size": len(data)}
