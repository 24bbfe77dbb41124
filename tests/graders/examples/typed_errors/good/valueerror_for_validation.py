# ValueError and TypeError used where they are the apt built-ins.
def parse_percentage(value: object) -> float:
    if not isinstance(value, (int, float, str)):
        raise TypeError(f"expected number or string, got {type(value).__name__}")
    number = float(value)
    if not 0 <= number <= 100:
        raise ValueError(f"percentage out of range: {number}")
    return number / 100
