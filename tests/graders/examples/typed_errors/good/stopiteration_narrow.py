# Narrow StopIteration handled to return the first match or a typed error.
class NoMatchError(LookupError):
    pass


def first_active(users: list[dict]) -> dict:
    try:
        return next(u for u in users if u.get("active"))
    except StopIteration as exc:
        raise NoMatchError("no active user") from exc
