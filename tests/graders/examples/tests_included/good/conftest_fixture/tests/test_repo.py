from repo import count


def test_count(conn):
    assert count(conn) == 1
