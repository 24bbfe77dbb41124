# Classic declarative model with a backref; the loop touches the lazy collection.
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String)


class Address(Base):
    __tablename__ = "addresses"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"))
    city = Column(String)
    user = relationship("User", backref="addresses")


def cities_per_user(session: Session) -> dict[str, list[str]]:
    users = session.query(User).all()
    return {u.email: [a.city for a in u.addresses] for u in users}
