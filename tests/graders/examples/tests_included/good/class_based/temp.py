# good: unittest-style test class with assert* methods
def c_to_f(c: float) -> float:
    return c * 9 / 5 + 32
