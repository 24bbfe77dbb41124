# psycopg2.sql: identifiers joined with sql.SQL(", ").join and a sql.Literal value.
from psycopg2 import sql


def copy_rows(conn, table: str, columns: list[str], source_tag: str) -> None:
    stmt = sql.SQL("INSERT INTO {table} ({cols}) SELECT {cols} FROM staging WHERE tag = {tag}").format(
        table=sql.Identifier(table),
        cols=sql.SQL(", ").join(map(sql.Identifier, columns)),
        tag=sql.Literal(source_tag),
    )
    with conn.cursor() as cur:
        cur.execute(stmt)
    conn.commit()
