# psycopg3 dynamic insert: identifiers + sql.Placeholder, values as parameters.
from psycopg import sql


def insert_row(conn, table: str, row: dict[str, object]) -> None:
    query = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
        sql.Identifier(table),
        sql.SQL(", ").join(sql.Identifier(k) for k in row),
        sql.SQL(", ").join(sql.Placeholder() * len(row)),
    )
    conn.execute(query, list(row.values()))
