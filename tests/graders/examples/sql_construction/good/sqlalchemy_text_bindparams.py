# SQLAlchemy text() with :named bind parameters.
from sqlalchemy import text
from sqlalchemy.orm import Session


def get_customer(session: Session, customer_id: str):
    stmt = text("SELECT id, name FROM customers WHERE id = :cid")
    return session.execute(stmt, {"cid": customer_id}).mappings().first()


def rename_customer(session: Session, customer_id: str, name: str) -> None:
    session.execute(
        text("UPDATE customers SET name = :name WHERE id = :cid").bindparams(
            name=name, cid=customer_id
        )
    )
    session.commit()
