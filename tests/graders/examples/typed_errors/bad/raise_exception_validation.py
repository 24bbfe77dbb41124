# Validation failures raised as generic Exception.
import re

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def validate_signup(email: str, password: str) -> None:
    if not EMAIL_RE.match(email):
        raise Exception("invalid email")
    if len(password) < 12:
        raise Exception("password too short")
