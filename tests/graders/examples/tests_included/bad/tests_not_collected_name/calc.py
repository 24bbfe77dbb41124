# bad: the only 'tests' are in a file pytest would never collect
def add(a: int, b: int) -> int:
    return a + b
