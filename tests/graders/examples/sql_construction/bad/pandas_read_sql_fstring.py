# pandas.read_sql with a date range interpolated into the query text.
import sqlite3

import pandas as pd


def load_sales(conn: sqlite3.Connection, start: str, end: str) -> pd.DataFrame:
    query = f"SELECT * FROM sales WHERE sold_at BETWEEN '{start}' AND '{end}'"
    return pd.read_sql(query, conn)
