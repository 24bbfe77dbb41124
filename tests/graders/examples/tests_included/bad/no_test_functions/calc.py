# bad: a test file with helpers but no test functions (nothing collected)
def add(a: int, b: int) -> int:
    return a + b
