import pytest

from fizz import fizz


@pytest.mark.parametrize(("n", "out"), [(3, "Fizz"), (5, "Buzz"), (15, "FizzBuzz"), (7, "7")])
def test_fizz(n, out):
    assert fizz(n) == out
