# Broad catch that logs with context and re-raises.
import logging

log = logging.getLogger(__name__)


def run_migration(conn, migration) -> None:
    try:
        migration.apply(conn)
        conn.commit()
    except Exception:
        log.exception("migration %s failed", migration.name)
        conn.rollback()
        raise
