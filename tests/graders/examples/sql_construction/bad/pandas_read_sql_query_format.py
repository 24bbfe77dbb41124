# pandas.read_sql_query with .format() for the store id.
import pandas as pd
from sqlalchemy.engine import Engine


def store_inventory(engine: Engine, store_id: int) -> pd.DataFrame:
    return pd.read_sql_query(
        "SELECT sku, qty FROM inventory WHERE store_id = {}".format(store_id), con=engine
    )
