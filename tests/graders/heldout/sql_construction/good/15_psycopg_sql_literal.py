# GOOD: a CREATE VIEW (which cannot take bind parameters) built with sql.Literal for the value.
import psycopg
from psycopg import sql


def create_region_view(conn: psycopg.Connection, region: str) -> None:
    """Create a per-region reporting view; DDL cannot be parameterized, so compose safely."""
    view_name = f"sales_{region.lower()}"
    stmt = sql.SQL(
        "CREATE OR REPLACE VIEW {view} AS "
        "SELECT id, amount, sold_at FROM sales WHERE region = {region}"
    ).format(view=sql.Identifier(view_name), region=sql.Literal(region))
    with conn.cursor() as cur:
        cur.execute(stmt)
    conn.commit()


def drop_region_view(conn: psycopg.Connection, region: str) -> None:
    stmt = sql.SQL("DROP VIEW IF EXISTS {}").format(sql.Identifier(f"sales_{region.lower()}"))
    with conn.cursor() as cur:
        cur.execute(stmt)
    conn.commit()


if __name__ == "__main__":
    with psycopg.connect("dbname=reports") as c:
        create_region_view(c, "EU")
        drop_region_view(c, "EU")
