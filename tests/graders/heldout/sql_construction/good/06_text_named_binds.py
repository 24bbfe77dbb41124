# GOOD: text() with :name bind parameters; values passed in the params dict.
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

engine = create_engine("postgresql+psycopg://app@localhost/app")
SessionLocal = sessionmaker(bind=engine)

DEACTIVATE = text("UPDATE accounts SET active = false WHERE email = :email")


def deactivate_user(email: str) -> int:
    """Mark the account with this email inactive; returns affected rows."""
    with SessionLocal() as session:
        result = session.execute(DEACTIVATE, {"email": email})
        session.commit()
        return result.rowcount


def accounts_since(day: str) -> list[str]:
    with SessionLocal() as session:
        rows = session.execute(
            text("SELECT email FROM accounts WHERE created_at >= :day ORDER BY email"),
            {"day": day},
        )
        return [r.email for r in rows]


if __name__ == "__main__":
    print(deactivate_user("someone@example.com"))
    print(accounts_since("2024-01-01"))
