from store import load, save


def test_roundtrip(tmp_path):
    p = tmp_path / "x.json"
    save(p, {"a": 1})
    assert load(p) == {"a": 1}
