# exec_driver_sql with a constant statement and driver-level parameters.
from sqlalchemy.engine import Engine


def purge_tenant(engine: Engine, tenant: str) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM documents WHERE tenant = ?", (tenant,))
