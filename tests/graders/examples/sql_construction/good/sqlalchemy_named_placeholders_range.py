# SQLAlchemy text() with generated :p0..:pN bind names for an IN list.
from sqlalchemy import text
from sqlalchemy.orm import Session


def by_skus(session: Session, skus: list[str]):
    names = [f":sku{i}" for i in range(len(skus))]
    stmt = text(f"SELECT id, sku FROM products WHERE sku IN ({', '.join(names)})")
    params = {f"sku{i}": sku for i, sku in enumerate(skus)}
    return session.execute(stmt, params).all()
