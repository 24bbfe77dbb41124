# bad: the shipped test fails against the candidate's own code
def add(a: int, b: int) -> int:
    return a - b
