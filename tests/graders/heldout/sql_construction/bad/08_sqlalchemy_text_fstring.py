# BAD: SQLAlchemy text() wraps an f-string holding the email; text() does not make it parameterized.
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

engine = create_engine("postgresql+psycopg://app@localhost/app")
SessionLocal = sessionmaker(bind=engine)


def deactivate_user(email: str) -> int:
    """Mark the account with this email inactive; returns affected rows."""
    with SessionLocal() as session:
        result = session.execute(
            text(f"UPDATE accounts SET active = false WHERE email = '{email}'")
        )
        session.commit()
        return result.rowcount


def count_active(session: Session) -> int:
    return session.execute(text("SELECT count(*) FROM accounts WHERE active")).scalar_one()


if __name__ == "__main__":
    print(deactivate_user("someone@example.com"))
    with SessionLocal() as s:
        print(count_active(s))
    engine.dispose()
    print("done")
