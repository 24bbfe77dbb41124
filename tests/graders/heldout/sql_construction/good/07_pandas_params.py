# GOOD: pandas.read_sql_query with a constant triple-quoted query and params=; nothing formatted into SQL.
import pandas as pd
from sqlalchemy import create_engine, text

ENGINE = create_engine("postgresql://analytics@localhost/warehouse")

REVENUE_SQL = text(
    """
    SELECT date_trunc('day', created_at) AS day, sum(amount) AS revenue
    FROM payments
    WHERE customer_id = :customer_id
      AND created_at BETWEEN :start AND :end
    GROUP BY 1
    ORDER BY 1
    """
)


def revenue_report(customer_id: str, start: str, end: str) -> pd.DataFrame:
    df = pd.read_sql_query(
        REVENUE_SQL,
        ENGINE,
        params={"customer_id": customer_id, "start": start, "end": end},
        parse_dates=["day"],
    )
    df["revenue"] = df["revenue"].fillna(0)
    return df
