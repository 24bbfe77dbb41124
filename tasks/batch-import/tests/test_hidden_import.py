import io
import sqlite3
import time

import pytest

from importer import (
    BatchImportError,
    ImportFileError,
    ImportReport,
    RowError,
    import_order_lines,
)

SCHEMA = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL);
CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT UNIQUE NOT NULL);
CREATE TABLE order_lines (
    id INTEGER PRIMARY KEY,
    order_ref TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    product_id INTEGER NOT NULL REFERENCES products(id),
    quantity INTEGER NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    UNIQUE (order_ref, product_id)
);
"""
HEADER = "order_ref,customer_email,sku,quantity,unit_price_cents\n"


def make_db(customers=3, products=3):
    conn = sqlite3.connect(":memory:")
    conn.executescript(SCHEMA)
    conn.executemany(
        "INSERT INTO customers (id, email) VALUES (?, ?)",
        [(i, f"user{i}@example.com") for i in range(1, customers + 1)],
    )
    conn.executemany(
        "INSERT INTO products (id, sku) VALUES (?, ?)",
        [(i, f"SKU-{i}") for i in range(1, products + 1)],
    )
    conn.commit()
    return conn


class Counter:
    def __init__(self, conn):
        self.statements = []
        conn.set_trace_callback(self.statements.append)

    @property
    def selects(self):
        return [s for s in self.statements if s.lstrip().upper().startswith("SELECT")]


def lines(conn):
    return conn.execute(
        "SELECT order_ref, customer_id, product_id, quantity, unit_price_cents"
        " FROM order_lines ORDER BY id"
    ).fetchall()


def test_valid_rows_are_imported_with_resolved_ids():
    conn = make_db()
    csv_text = HEADER + (
        "ORD-1,user1@example.com,SKU-2,3,1250\n"
        "ORD-1,USER1@example.com,SKU-3,1,99\n"
        "ORD-2, user3@example.com ,SKU-1,10,0\n"
    )
    report = import_order_lines(conn, csv_text)
    assert isinstance(report, ImportReport)
    assert report.inserted == 3
    assert report.errors == []
    assert lines(conn) == [
        ("ORD-1", 1, 2, 3, 1250),
        ("ORD-1", 1, 3, 1, 99),
        ("ORD-2", 3, 1, 10, 0),
    ]


def test_file_objects_are_accepted():
    conn = make_db()
    report = import_order_lines(conn, io.StringIO(HEADER + "ORD-9,user2@example.com,SKU-1,1,5\n"))
    assert report.inserted == 1


def test_invalid_rows_are_collected_with_line_and_field():
    conn = make_db()
    csv_text = HEADER + (
        "ORD-1,user1@example.com,SKU-1,2,100\n"      # line 2 ok
        "ORD-2,not-an-email,SKU-1,1,100\n"           # line 3
        "ORD-3,user1@example.com,SKU-1,0,100\n"      # line 4
        "ORD-4,user1@example.com,SKU-1,lots,100\n"   # line 5
        "ORD-5,user1@example.com,SKU-1,1,-5\n"       # line 6
        "ORD-6,user1@example.com,,1,100\n"           # line 7
        "ORD-7,ghost@example.com,SKU-1,1,100\n"      # line 8
        "ORD-8,user2@example.com,SKU-404,1,100\n"    # line 9
        "ORD-9,user2@example.com,SKU-2,1,100\n"      # line 10 ok
        "ORD-1,user1@example.com,SKU-1,5,100\n"      # line 11 duplicate of line 2
    )
    report = import_order_lines(conn, csv_text)
    assert report.inserted == 2
    got = {(e.line, e.field) for e in report.errors}
    assert got == {
        (3, "customer_email"),
        (4, "quantity"),
        (5, "quantity"),
        (6, "unit_price_cents"),
        (7, "sku"),
        (8, "customer_email"),
        (9, "sku"),
        (11, "sku"),
    }
    assert all(isinstance(e, RowError) and e.message for e in report.errors)
    assert [e.line for e in report.errors] == sorted(e.line for e in report.errors)
    assert [r[0] for r in lines(conn)] == ["ORD-1", "ORD-9"]


def test_lookups_do_not_grow_with_row_count():
    conn = make_db(customers=50, products=40)
    rows = "".join(
        f"ORD-{n},user{n % 50 + 1}@example.com,SKU-{n % 40 + 1},1,100\n" for n in range(2000)
    )
    counter = Counter(conn)
    started = time.perf_counter()
    report = import_order_lines(conn, HEADER + rows, batch_size=250)
    elapsed = time.perf_counter() - started
    assert report.inserted == 2000
    assert report.errors == []
    assert len(counter.selects) <= 4
    assert elapsed < 1.5


def test_injection_payloads_are_plain_data():
    conn = make_db()
    csv_text = HEADER + (
        "ORD-1,user1@example.com,\"SKU-1'); DROP TABLE order_lines; --\",1,100\n"
        "ORD-2,x@example.com' OR '1'='1,SKU-1,1,100\n"
        "ORD-3,user1@example.com,SKU-1,1,100\n"
    )
    report = import_order_lines(conn, csv_text)
    assert report.inserted == 1
    assert {(e.line, e.field) for e in report.errors} == {(2, "sku"), (3, "customer_email")}
    assert len(lines(conn)) == 1


def test_missing_column_is_a_typed_file_error():
    conn = make_db()
    with pytest.raises(ImportFileError) as info:
        import_order_lines(conn, "order_ref,customer_email,sku,quantity\nORD-1,a@b.co,SKU-1,1\n")
    assert isinstance(info.value, BatchImportError)
    assert "unit_price_cents" in str(info.value)
    assert lines(conn) == []


def test_database_failure_rolls_back_the_whole_import():
    conn = make_db()
    csv_text = HEADER + "ORD-1,user1@example.com,SKU-1,1,100\nORD-2,user2@example.com,SKU-2,1,100\n"
    assert import_order_lines(conn, csv_text).inserted == 2
    again = HEADER + "ORD-3,user3@example.com,SKU-3,1,100\nORD-1,user1@example.com,SKU-1,1,100\n"
    with pytest.raises(BatchImportError):
        import_order_lines(conn, again, batch_size=1)
    assert [r[0] for r in lines(conn)] == ["ORD-1", "ORD-2"]


def test_connection_is_left_open_and_usable():
    conn = make_db()
    import_order_lines(conn, HEADER + "ORD-1,user1@example.com,SKU-1,1,100\n")
    assert conn.execute("SELECT COUNT(*) FROM order_lines").fetchone() == (1,)


@pytest.mark.parametrize("size", [0, -1])
def test_batch_size_must_be_positive(size):
    with pytest.raises(ValueError):
        import_order_lines(make_db(), HEADER, batch_size=size)
