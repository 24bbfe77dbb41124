# SQLAlchemy text() with an expanding bindparam for an IN list.
from sqlalchemy import bindparam, text
from sqlalchemy.engine import Engine

ARCHIVE = text("UPDATE documents SET archived = 1 WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)


def archive(engine: Engine, ids: list[int]) -> None:
    with engine.begin() as conn:
        conn.execute(ARCHIVE, {"ids": ids})
