from calc import add


def check_add():
    assert add(2, 3) == 5
