from slug import slugify


def test_slugify_spaces():
    assert slugify("Hello World") == "hello-world"


def test_slugify_trims():
    assert slugify("  --x--  ") == "x"
