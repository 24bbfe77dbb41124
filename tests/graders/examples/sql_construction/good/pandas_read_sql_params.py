# pandas read_sql / read_sql_query with params instead of formatting.
import sqlite3

import pandas as pd


def load_sales(conn: sqlite3.Connection, start: str, end: str) -> pd.DataFrame:
    return pd.read_sql(
        "SELECT * FROM sales WHERE sold_at BETWEEN ? AND ?", conn, params=(start, end)
    )


def store_inventory(conn: sqlite3.Connection, store_id: int) -> pd.DataFrame:
    return pd.read_sql_query(
        "SELECT sku, qty FROM inventory WHERE store_id = :sid", conn, params={"sid": store_id}
    )
