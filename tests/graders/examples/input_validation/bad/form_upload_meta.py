# Multipart form fields used unvalidated to name a stored file.
from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/avatars")
async def avatar(request: Request) -> dict:
    form = await request.form()
    user_id = form["user_id"]
    upload = form["file"]
    path = f"/srv/avatars/{user_id}.png"
    with open(path, "wb") as fh:
        fh.write(await upload.read())
    return {"path": path}
