# GOOD: SQLAlchemy 2.0 ORM select() with column expressions; no SQL text at all.
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


def recent_posts(session: Session, author_id: int, title_like: str, limit: int) -> list[Post]:
    stmt = (
        select(Post)
        .where(Post.author_id == author_id)
        .where(Post.title.ilike(f"%{title_like}%"))
        .order_by(Post.created_at.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
