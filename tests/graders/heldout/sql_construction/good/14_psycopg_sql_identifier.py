# GOOD: psycopg sql.SQL composed with sql.Identifier for the table and %s parameters for values.
import psycopg
from psycopg import sql


def rename_label(conn: psycopg.Connection, table: str, old: str, new: str) -> int:
    """Rename a label in one table; the table name is quoted as an identifier."""
    query = sql.SQL("UPDATE {} SET label = %s WHERE label = %s").format(sql.Identifier(table))
    with conn.cursor() as cur:
        cur.execute(query, (new, old))
        count = cur.rowcount
    conn.commit()
    return count


def copy_rows(conn: psycopg.Connection, src: str, dst: str, columns: list[str]) -> None:
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    query = sql.SQL("INSERT INTO {dst} ({cols}) SELECT {cols} FROM {src}").format(
        dst=sql.Identifier(dst), src=sql.Identifier(src), cols=cols
    )
    with conn.cursor() as cur:
        cur.execute(query)
    conn.commit()


if __name__ == "__main__":
    with psycopg.connect("dbname=admin") as c:
        print(rename_label(c, "tags", "old", "new"))
