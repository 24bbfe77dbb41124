# good: one test skipped on purpose, the others pass
def sq(x: int) -> int:
    return x * x
