# Raises a bare Exception for a missing record instead of a typed error.
from dataclasses import dataclass


@dataclass
class User:
    id: int
    email: str


class UserService:
    def __init__(self) -> None:
        self._users: dict[int, User] = {}

    def get(self, user_id: int) -> User:
        user = self._users.get(user_id)
        if user is None:
            raise Exception(f"user {user_id} not found")
        return user
