# Django connection.cursor() with %s parameters.
from django.db import connection, transaction


@transaction.atomic
def delete_drafts(owner_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM cms_page WHERE status = %s AND owner_id = %s", ["draft", owner_id]
        )
        return cursor.rowcount
