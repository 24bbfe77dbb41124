# SQLAlchemy 1.x style: a raw formatted string passed straight to execute.
from sqlalchemy import create_engine

engine = create_engine("sqlite:///shop.db")


def product_price(sku: str) -> float | None:
    with engine.connect() as conn:
        row = conn.execute("SELECT price FROM products WHERE sku = '%s'" % sku).first()
        return row[0] if row else None
