# bad: the test file does not even parse
def add(a: int, b: int) -> int:
    return a + b
