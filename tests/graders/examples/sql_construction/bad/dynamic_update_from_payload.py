# Dynamic UPDATE: column names come from the request payload's keys.
import sqlite3

from pydantic import BaseModel


class ProfileUpdate(BaseModel):
    display_name: str | None = None
    bio: str | None = None


def update_profile(conn: sqlite3.Connection, user_id: int, patch: ProfileUpdate) -> None:
    data = patch.model_dump(exclude_unset=True)
    assignments = ", ".join(f"{column} = ?" for column in data)
    conn.execute(
        f"UPDATE profiles SET {assignments} WHERE user_id = ?",
        [*data.values(), user_id],
    )
    conn.commit()
