# bad: every test is skipped, so nothing is verified
def add(a: int, b: int) -> int:
    return a + b
