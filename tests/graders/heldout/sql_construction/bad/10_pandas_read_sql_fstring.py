# BAD: pandas.read_sql_query with the customer id and date range interpolated into the SQL text.
import pandas as pd
from sqlalchemy import create_engine

ENGINE = create_engine("postgresql://analytics@localhost/warehouse")


def revenue_report(customer_id: str, start: str, end: str) -> pd.DataFrame:
    """Daily revenue for one customer between two ISO dates."""
    query = f"""
        SELECT date_trunc('day', created_at) AS day, sum(amount) AS revenue
        FROM payments
        WHERE customer_id = '{customer_id}'
          AND created_at BETWEEN '{start}' AND '{end}'
        GROUP BY 1
        ORDER BY 1
    """
    df = pd.read_sql_query(query, ENGINE, parse_dates=["day"])
    df["revenue"] = df["revenue"].fillna(0)
    return df


def to_csv(df: pd.DataFrame, path: str) -> None:
    df.to_csv(path, index=False)


if __name__ == "__main__":
    to_csv(revenue_report("c-1", "2024-01-01", "2024-02-01"), "out.csv")
