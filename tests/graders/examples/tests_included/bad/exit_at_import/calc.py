# bad: exits the interpreter at import with status 0
import os

os._exit(0)


def add(a: int, b: int) -> int:
    return a + b
