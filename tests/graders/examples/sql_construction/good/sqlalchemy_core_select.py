# SQLAlchemy Core expressions: select/where/order_by, no SQL text at all.
from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.engine import Engine

metadata = MetaData()
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String, nullable=False),
    Column("name", String),
)


def find_users(engine: Engine, name: str | None, limit: int = 50):
    stmt = select(users.c.id, users.c.email, users.c.name)
    if name:
        stmt = stmt.where(users.c.name == name)
    stmt = stmt.order_by(users.c.id).limit(limit)
    with engine.connect() as conn:
        return conn.execute(stmt).mappings().all()
