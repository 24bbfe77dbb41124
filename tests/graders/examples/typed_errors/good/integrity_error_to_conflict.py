# SQLAlchemy IntegrityError translated into a ConflictError with from.
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


class ConflictError(Exception):
    pass


def create_user(session: Session, user) -> None:
    session.add(user)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise ConflictError(f"user {user.email} already exists") from exc
