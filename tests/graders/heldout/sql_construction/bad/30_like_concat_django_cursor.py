# BAD: LIKE pattern concatenated into SQL for a Django connection cursor in a service function.
import logging

from django.db import connection

logger = logging.getLogger(__name__)


class ContactSearch:
    """Prefix search over contacts for the autocomplete widget."""

    limit = 20

    def run(self, prefix: str) -> list[tuple[int, str]]:
        prefix = prefix.strip()
        if len(prefix) < 2:
            return []
        statement = "SELECT id, full_name FROM crm_contact WHERE full_name LIKE '"
        statement += prefix
        statement += "%' ORDER BY full_name LIMIT 20"
        with connection.cursor() as cursor:
            cursor.execute(statement)
            rows = cursor.fetchall()
        logger.debug("contact search", extra={"n": len(rows)})
        return [(r[0], r[1]) for r in rows]


def search_contacts(prefix: str) -> list[tuple[int, str]]:
    return ContactSearch().run(prefix)
