# bad: the tests assert only constants
def add(a: int, b: int) -> int:
    return a + b
