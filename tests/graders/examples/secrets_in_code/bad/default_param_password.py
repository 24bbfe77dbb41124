# SMTP mailer with a real password as the default parameter value.
import smtplib
from email.message import EmailMessage


class Mailer:
    def __init__(self, host: str = "smtp.mailgun.org", user: str = "postmaster@mg.shop.io", password: str = "9c1f0b7e2a") -> None:
        self.host, self.user, self.password = host, user, password

    def send(self, msg: EmailMessage) -> None:
        with smtplib.SMTP(self.host, 587) as smtp:
            smtp.starttls()
            smtp.login(self.user, self.password)
            smtp.send_message(msg)
