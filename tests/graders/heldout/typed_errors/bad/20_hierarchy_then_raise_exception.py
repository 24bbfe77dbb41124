# BAD: a config loader declares ConfigError but raises plain Exception when a required key is missing.
import os
from dataclasses import dataclass


class ConfigError(Exception):
    """Raised when the service configuration is invalid."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str
    workers: int


def _require(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise Exception(f"missing required environment variable {name}")
    return value


def load_settings() -> Settings:
    workers_raw = os.environ.get("WORKERS", "4")
    if not workers_raw.isdigit():
        raise ConfigError(f"WORKERS must be an integer, got {workers_raw!r}")
    return Settings(
        database_url=_require("DATABASE_URL"),
        redis_url=_require("REDIS_URL"),
        workers=int(workers_raw),
    )
