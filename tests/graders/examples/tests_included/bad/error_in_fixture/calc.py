# bad: the test's fixture raises, so the test errors
def add(a: int, b: int) -> int:
    return a + b
