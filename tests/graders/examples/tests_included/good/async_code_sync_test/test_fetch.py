import asyncio

from fetch import double


def test_double():
    assert asyncio.run(double(4)) == 8
