# A small parser that uses Exception for every syntax problem.
def parse_duration(text: str) -> int:
    units = {"s": 1, "m": 60, "h": 3600}
    text = text.strip()
    if not text:
        raise Exception("empty duration")
    unit = text[-1]
    if unit not in units:
        raise Exception(f"unknown unit {unit!r}")
    return int(text[:-1]) * units[unit]
