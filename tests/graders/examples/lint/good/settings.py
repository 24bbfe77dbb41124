# Settings loaded from the environment, fail fast; lint-clean.
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    database_url: str
    api_token: str


def load_settings() -> Settings:
    try:
        return Settings(database_url=os.environ["DATABASE_URL"], api_token=os.environ["API_TOKEN"])
    except KeyError as exc:
        raise RuntimeError(f"missing environment variable {exc.args[0]}") from exc
