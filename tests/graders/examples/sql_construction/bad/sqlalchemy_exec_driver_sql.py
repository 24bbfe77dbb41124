# SQLAlchemy exec_driver_sql with a concatenated tenant name.
from sqlalchemy.engine import Engine


def purge_tenant(engine: Engine, tenant: str) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM documents WHERE tenant = '" + tenant + "'")
