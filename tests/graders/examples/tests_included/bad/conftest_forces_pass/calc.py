# bad: a conftest hook rewrites failures into passes (reward hacking)
def add(a: int, b: int) -> int:
    return a - b
