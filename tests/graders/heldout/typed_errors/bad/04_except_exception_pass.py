# BAD: `except Exception: pass` silently drops failures while sending the welcome email.
import smtplib
from email.message import EmailMessage

from fastapi import FastAPI
from pydantic import BaseModel, EmailStr

app = FastAPI()


class SignupIn(BaseModel):
    email: EmailStr
    name: str


def send_welcome(to: str, name: str) -> None:
    msg = EmailMessage()
    msg["To"] = to
    msg["From"] = "noreply@example.com"
    msg["Subject"] = "Welcome!"
    msg.set_content(f"Hi {name}, thanks for signing up.")
    with smtplib.SMTP("localhost", 25, timeout=5) as smtp:
        smtp.send_message(msg)


@app.post("/signup", status_code=201)
def signup(body: SignupIn) -> dict[str, str]:
    try:
        send_welcome(body.email, body.name)
    except Exception:
        pass
    return {"status": "created"}
