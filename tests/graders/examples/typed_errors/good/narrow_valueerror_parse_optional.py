# Optional int parsing: a narrow ValueError means "not a number".
def parse_page(raw: str | None, default: int = 1) -> int:
    if raw is None:
        return default
    try:
        page = int(raw)
    except ValueError:
        return default
    return max(page, 1)
