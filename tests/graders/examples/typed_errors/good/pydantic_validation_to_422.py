# Pydantic ValidationError mapped to a typed error that carries a 422 status.
from pydantic import BaseModel, ValidationError


class RequestInvalidError(Exception):
    status_code = 422

    def __init__(self, errors: list[dict]) -> None:
        super().__init__("request body is invalid")
        self.errors = errors


class Signup(BaseModel):
    email: str
    password: str


def parse_signup(payload: dict) -> Signup:
    try:
        return Signup.model_validate(payload)
    except ValidationError as exc:
        raise RequestInvalidError(exc.errors()) from exc
