# SQLAlchemy 2.0 ORM queries with an ilike pattern built by f-string (a value).
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Product(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


def search(session: Session, term: str) -> list[Product]:
    stmt = select(Product).where(Product.name.ilike(f"%{term}%")).order_by(Product.name)
    return list(session.scalars(stmt))


def rename(session: Session, product_id: int, name: str) -> None:
    product = session.get(Product, product_id)
    if product is not None:
        product.name = name
        session.commit()
