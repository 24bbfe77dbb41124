# bad: ships a pytest.ini to configure the run
def add(a: int, b: int) -> int:
    return a + b
