# Django connection.cursor() executing a concatenated DELETE.
from django.db import connection


def delete_drafts(owner_id: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cms_page WHERE status = 'draft' AND owner_id = " + owner_id)
        return cursor.rowcount
