# The relationship is declared lazy="selectin", so the loop does not trigger N+1.
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String)
    addresses = relationship("Address", lazy="selectin")


class Address(Base):
    __tablename__ = "addresses"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"))
    city = Column(String)


def cities_per_user(session: Session) -> dict[str, list[str]]:
    users = session.query(User).all()
    return {u.email: [a.city for a in u.addresses] for u in users}
