# Bare except that silently ignores any failure while sending an email.
import smtplib
from email.message import EmailMessage


def send_welcome(to: str) -> None:
    msg = EmailMessage()
    msg["To"] = to
    msg["Subject"] = "Welcome"
    msg.set_content("Thanks for signing up.")
    try:
        with smtplib.SMTP("localhost") as smtp:
            smtp.send_message(msg)
    except:
        pass
