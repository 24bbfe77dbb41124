# BAD: hand-rolled quoting (replace ' with '') then concatenation; escaping is not parameterization.
import psycopg2


def sql_quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class AuditLog:
    def __init__(self, dsn: str) -> None:
        self.conn = psycopg2.connect(dsn)

    def record(self, actor: str, action: str, target: str) -> None:
        stmt = (
            "INSERT INTO audit_log (actor, action, target) VALUES ("
            + sql_quote(actor)
            + ", "
            + sql_quote(action)
            + ", "
            + sql_quote(target)
            + ")"
        )
        with self.conn.cursor() as cur:
            cur.execute(stmt)
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()
