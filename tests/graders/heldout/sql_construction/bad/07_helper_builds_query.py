# BAD: a helper in the same module returns an f-string query with the caller's value; the caller executes it.
import logging
import sqlite3

logger = logging.getLogger(__name__)


def _tenant_query(tenant: str, table: str) -> str:
    return f"SELECT * FROM {table} WHERE tenant_id = '{tenant}'"


class TenantStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def projects(self, tenant: str) -> list[tuple]:
        query = _tenant_query(tenant, "projects")
        logger.debug("running tenant query", extra={"tenant": tenant})
        return self.conn.execute(query).fetchall()

    def members(self, tenant: str) -> list[tuple]:
        cur = self.conn.cursor()
        cur.execute(_tenant_query(tenant, "members"))
        return cur.fetchall()

    def close(self) -> None:
        self.conn.close()
