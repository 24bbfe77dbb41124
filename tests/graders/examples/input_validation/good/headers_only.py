# Uses the Request only for headers and client info; the body is a typed model.
from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

app = FastAPI()


class Feedback(BaseModel):
    rating: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=2000)


@app.post("/feedback")
async def feedback(item: Feedback, request: Request) -> dict:
    return {"rating": item.rating, "from": request.client.host if request.client else None, "ua": request.headers.get("user-agent")}
