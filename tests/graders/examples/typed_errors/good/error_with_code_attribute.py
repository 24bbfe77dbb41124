# Error classes carry machine-readable codes; the service raises them.
from dataclasses import dataclass


class ApiError(Exception):
    code = "api_error"
    http_status = 500


class BadRequest(ApiError):
    code = "bad_request"
    http_status = 400


@dataclass
class Page:
    number: int
    size: int


def page_params(number: int, size: int) -> Page:
    if number < 1:
        raise BadRequest("page must be >= 1")
    if not 1 <= size <= 100:
        raise BadRequest("size must be between 1 and 100")
    return Page(number, size)
