import sqlite3

import pytest

from importer import BatchImportError, ImportFileError, import_order_lines

HEADER = "order_ref,customer_email,sku,quantity,unit_price_cents\n"


@pytest.fixture()
def conn():
    db = sqlite3.connect(":memory:")
    db.executescript(
        """
        CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL);
        CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT UNIQUE NOT NULL);
        CREATE TABLE order_lines (
            id INTEGER PRIMARY KEY, order_ref TEXT NOT NULL,
            customer_id INTEGER NOT NULL, product_id INTEGER NOT NULL,
            quantity INTEGER NOT NULL, unit_price_cents INTEGER NOT NULL,
            UNIQUE (order_ref, product_id)
        );
        INSERT INTO customers (id, email)
            VALUES (1, 'ada@example.com'), (2, 'bob@example.com');
        INSERT INTO products (id, sku) VALUES (1, 'SKU-1'), (2, 'SKU-2');
        """
    )
    yield db
    db.close()


def stored(conn):
    return conn.execute(
        "SELECT order_ref, customer_id, product_id, quantity"
        " FROM order_lines ORDER BY id"
    ).fetchall()


def test_imports_valid_rows(conn):
    report = import_order_lines(
        conn,
        HEADER
        + "A-1,ada@example.com,SKU-2,2,500\n"
        + "A-2,Bob@Example.com,SKU-1,1,10\n",
    )
    assert report.inserted == 2 and report.errors == []
    assert stored(conn) == [("A-1", 1, 2, 2), ("A-2", 2, 1, 1)]


def test_collects_row_errors_and_keeps_good_rows(conn):
    report = import_order_lines(
        conn,
        HEADER
        + "A-1,ada@example.com,SKU-1,1,5\n"
        + "A-2,nobody@example.com,SKU-1,1,5\n"
        + "A-3,ada@example.com,SKU-9,1,5\n"
        + "A-4,ada@example.com,SKU-1,many,5\n",
    )
    assert report.inserted == 1
    assert [(e.line, e.field) for e in report.errors] == [
        (3, "customer_email"),
        (4, "sku"),
        (5, "quantity"),
    ]


def test_lookups_are_batched(conn):
    seen = []
    conn.set_trace_callback(seen.append)
    rows = "".join(f"B-{n},ada@example.com,SKU-{n % 2 + 1},1,5\n" for n in range(300))
    assert import_order_lines(conn, HEADER + rows, batch_size=64).inserted == 300
    assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) <= 2


def test_sql_metacharacters_are_data(conn):
    payload = "A-1,ada@example.com,SKU-1' OR '1'='1,1,5\n"
    report = import_order_lines(conn, HEADER + payload)
    assert report.inserted == 0
    assert [e.field for e in report.errors] == ["sku"]
    assert stored(conn) == []


def test_missing_column_rejects_file(conn):
    with pytest.raises(ImportFileError):
        import_order_lines(conn, "order_ref,sku\nA-1,SKU-1\n")


def test_database_error_rolls_back_everything(conn):
    import_order_lines(conn, HEADER + "A-1,ada@example.com,SKU-1,1,5\n")
    with pytest.raises(BatchImportError):
        import_order_lines(
            conn,
            HEADER + "A-2,ada@example.com,SKU-1,1,5\nA-1,ada@example.com,SKU-1,1,5\n",
            batch_size=1,
        )
    assert stored(conn) == [("A-1", 1, 1, 1)]
