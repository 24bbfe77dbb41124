# Eager-loads the customer relationship with selectinload.
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, selectinload


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    total: Mapped[float]
    customer: Mapped[Customer] = relationship()


def order_lines(session: Session) -> list[str]:
    stmt = select(Order).options(selectinload(Order.customer))
    return [f"{o.id}: {o.customer.name} {o.total}" for o in session.scalars(stmt)]
