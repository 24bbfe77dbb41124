# The JSON body is parsed into a dataclass whose __post_init__ validates it.
from dataclasses import dataclass

from fastapi import FastAPI, HTTPException, Request

app = FastAPI()


@dataclass(frozen=True)
class Signup:
    email: str
    password: str

    def __post_init__(self) -> None:
        if "@" not in self.email or len(self.email) > 254:
            raise ValueError("invalid email")
        if len(self.password) < 12:
            raise ValueError("password too short")


@app.post("/signup")
async def signup(request: Request) -> dict:
    try:
        form = Signup(**await request.json())
    except (TypeError, ValueError) as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    return {"email": form.email}
