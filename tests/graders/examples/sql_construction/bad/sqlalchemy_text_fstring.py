# SQLAlchemy text() with an f-string: the value is baked into the SQL text.
from sqlalchemy import text
from sqlalchemy.orm import Session


def get_customer(session: Session, customer_id: str):
    stmt = text(f"SELECT id, name FROM customers WHERE id = '{customer_id}'")
    return session.execute(stmt).mappings().first()
