# SQLAlchemy Core insert/update/delete built from expressions.
from sqlalchemy import Column, Integer, MetaData, String, Table, delete, insert, update
from sqlalchemy.engine import Engine

metadata = MetaData()
tags = Table("tags", metadata, Column("id", Integer, primary_key=True), Column("label", String))


def add_tag(engine: Engine, label: str) -> None:
    with engine.begin() as conn:
        conn.execute(insert(tags).values(label=label))


def rename_tag(engine: Engine, tag_id: int, label: str) -> None:
    with engine.begin() as conn:
        conn.execute(update(tags).where(tags.c.id == tag_id).values(label=label))


def remove_tag(engine: Engine, tag_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(delete(tags).where(tags.c.id == tag_id))
