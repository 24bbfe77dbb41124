# Legacy query API with joinedload for the books collection.
from sqlalchemy.orm import Session, joinedload

from .models import Author


def authors_with_titles(session: Session) -> dict[str, list[str]]:
    authors = session.query(Author).options(joinedload(Author.books)).all()
    return {a.name: [b.title for b in a.books] for a in authors}
