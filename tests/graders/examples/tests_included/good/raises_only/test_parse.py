import pytest

from parse import parse_port


def test_rejects_zero():
    with pytest.raises(ValueError):
        parse_port("0")


def test_accepts_80():
    assert parse_port("80") == 80
