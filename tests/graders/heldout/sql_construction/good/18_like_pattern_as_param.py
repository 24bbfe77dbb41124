# GOOD: the f-string builds the LIKE pattern VALUE, which is passed as a parameter, not spliced into SQL.
import logging

from django.db import connection

logger = logging.getLogger(__name__)


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class ContactSearch:
    """Prefix search over contacts for the autocomplete widget."""

    def run(self, prefix: str) -> list[tuple[int, str]]:
        prefix = prefix.strip()
        if len(prefix) < 2:
            return []
        pattern = f"{_escape_like(prefix)}%"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, full_name FROM crm_contact WHERE full_name LIKE %s ESCAPE '\\' "
                "ORDER BY full_name LIMIT 20",
                [pattern],
            )
            rows = cursor.fetchall()
        logger.debug("contact search", extra={"n": len(rows)})
        return [(r[0], r[1]) for r in rows]
