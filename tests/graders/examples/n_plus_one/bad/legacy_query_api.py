# Legacy session.query API: per-author query for book titles.
from sqlalchemy.orm import Session

from .models import Author, Book


def authors_with_titles(session: Session) -> dict[str, list[str]]:
    result = {}
    for author in session.query(Author).all():
        books = session.query(Book).filter(Book.author_id == author.id).all()
        result[author.name] = [b.title for b in books]
    return result
