# bad: the test imports a module the candidate never wrote
def add(a: int, b: int) -> int:
    return a + b
