import sqlite3

import pytest

from repo import InvalidSearchError, Product, SearchError, search_products

ROWS = [
    (1, "Snakecase poster", "posters", 1500),
    (2, "snake_case mug", "kitchen", 1200),
    (3, "100% Cotton Tee", "apparel", 2500),
    (4, "Cotton socks", "apparel", 900),
    (5, "Espresso cup", "kitchen", 1200),
    (6, "Linen shirt", "apparel", 4200),
    (7, "O'Reilly poster", "posters", 1500),
]


@pytest.fixture()
def conn():
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "category TEXT NOT NULL, price_cents INTEGER NOT NULL)"
    )
    db.executemany("INSERT INTO products VALUES (?, ?, ?, ?)", ROWS)
    db.commit()
    yield db
    db.close()


def ids(products):
    return [p.id for p in products]


def test_returns_products_sorted_by_name_by_default(conn):
    result = search_products(conn)
    assert all(isinstance(p, Product) for p in result)
    assert result[0] == Product(3, "100% Cotton Tee", "apparel", 2500)
    assert ids(result) == [3, 4, 5, 6, 7, 1, 2]


def test_name_contains_is_case_insensitive(conn):
    assert ids(search_products(conn, name_contains="COTTON", sort_by="id")) == [3, 4]


def test_like_wildcards_match_literally(conn):
    assert ids(search_products(conn, name_contains="%")) == [3]
    assert ids(search_products(conn, name_contains="_")) == [2]
    assert ids(search_products(conn, name_contains="e_c")) == [2]


def test_quote_in_name_is_just_text(conn):
    assert ids(search_products(conn, name_contains="O'Reilly")) == [7]


def test_category_and_inclusive_price_range(conn):
    result = search_products(conn, category="apparel", min_price=900, max_price=2500, sort_by="id")
    assert ids(result) == [3, 4]
    assert ids(search_products(conn, min_price=1500, max_price=1500, sort_by="id")) == [1, 7]


def test_sort_by_price_desc_breaks_ties_by_id(conn):
    result = search_products(conn, sort_by="price", sort_dir="desc")
    assert ids(result) == [6, 3, 1, 7, 2, 5, 4]


def test_sort_by_price_asc_and_id_desc(conn):
    assert ids(search_products(conn, sort_by="price")) == [4, 2, 5, 1, 7, 3, 6]
    assert ids(search_products(conn, sort_by="id", sort_dir="desc")) == [7, 6, 5, 4, 3, 2, 1]


def test_limit(conn):
    assert ids(search_products(conn, sort_by="id", limit=2)) == [1, 2]
    assert len(search_products(conn, limit=100)) == len(ROWS)


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"name_contains": "' OR '1'='1"}, id="name-or"),
        pytest.param({"name_contains": "%' OR 1=1 --"}, id="name-comment"),
        pytest.param({"category": "apparel' OR 'a'='a"}, id="category-or"),
        pytest.param({"category": "x'; DROP TABLE products; --"}, id="category-drop"),
        pytest.param({"category": "kitchen' UNION SELECT 99, 'x', 'y', 1 --"}, id="category-union"),
    ],
)
def test_injection_in_filters_matches_nothing(conn, kwargs):
    assert search_products(conn, **kwargs) == []
    assert conn.execute("SELECT COUNT(*) FROM products").fetchone()[0] == len(ROWS)


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        pytest.param("sort_by", {"sort_by": "price; DROP TABLE products"}, id="sort-drop"),
        pytest.param("sort_by", {"sort_by": "(SELECT 1)"}, id="sort-subquery"),
        pytest.param("sort_by", {"sort_by": "category"}, id="sort-not-allowlisted"),
        pytest.param("sort_by", {"sort_by": "NAME"}, id="sort-case"),
        pytest.param("sort_dir", {"sort_dir": "desc; DROP TABLE products"}, id="dir-drop"),
        pytest.param("sort_dir", {"sort_dir": "sideways"}, id="dir-unknown"),
    ],
)
def test_sort_is_allowlisted(conn, field, kwargs):
    with pytest.raises(InvalidSearchError) as info:
        search_products(conn, **kwargs)
    assert info.value.field == field
    assert conn.execute("SELECT COUNT(*) FROM products").fetchone()[0] == len(ROWS)


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        pytest.param("limit", {"limit": 0}, id="limit-zero"),
        pytest.param("limit", {"limit": 101}, id="limit-too-big"),
        pytest.param("limit", {"limit": "10"}, id="limit-str"),
        pytest.param("min_price", {"min_price": -1}, id="min-negative"),
        pytest.param("max_price", {"max_price": 10.5}, id="max-float"),
        pytest.param("min_price", {"min_price": 2000, "max_price": 1000}, id="min-over-max"),
        pytest.param("name_contains", {"name_contains": "x" * 101}, id="name-too-long"),
        pytest.param("category", {"category": 7}, id="category-int"),
    ],
)
def test_invalid_arguments_raise_typed_error(conn, field, kwargs):
    with pytest.raises(InvalidSearchError) as info:
        search_products(conn, **kwargs)
    assert info.value.field == field
    assert isinstance(info.value, SearchError)
