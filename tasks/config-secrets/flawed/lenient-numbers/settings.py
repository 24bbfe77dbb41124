"""Service settings, read from the environment once at start-up.

Every problem is collected and reported together, naming the variable, so a bad deploy
fails at boot with one clear error instead of at the first request. Secrets have no
defaults, are wrapped in :class:`Secret` so they never show up in reprs, logs or error
messages, and are only read through :meth:`Secret.reveal`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Literal, cast
from urllib.parse import urlsplit, urlunsplit

Environment = Literal["dev", "staging", "prod"]
_ENVIRONMENTS = ("dev", "staging", "prod")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_DB_SCHEMES = ("postgresql", "postgresql+psycopg", "sqlite")
MIN_SIGNING_KEY_LENGTH = 32


class SettingsError(Exception):
    """Base class for configuration errors."""


class ConfigError(SettingsError):
    """The environment does not describe a valid configuration."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid configuration: " + "; ".join(problems))


class Secret:
    """A string that does not print itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Settings:
    environment: Environment
    database_url: Secret
    payment_api_key: Secret
    jwt_signing_key: Secret
    port: int = 8000
    debug: bool = False
    allowed_origins: tuple[str, ...] = ()
    request_timeout_s: float = 5.0

    def safe_dict(self) -> dict[str, object]:
        """The settings for logging: secrets masked, the database password removed."""
        data = asdict(self)
        data["database_url"] = _redact_url(self.database_url.reveal())
        data["payment_api_key"] = repr(self.payment_api_key)
        data["jwt_signing_key"] = repr(self.jwt_signing_key)
        return data


def _redact_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username}:***@{host}" if parts.username else f"***@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


class _Reader:
    """Reads variables and collects every problem instead of stopping at the first."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._env = environ
        self.problems: list[str] = []

    def raw(self, name: str) -> str | None:
        value = self._env.get(name, "").strip()
        return value or None

    def required(self, name: str) -> str:
        value = self.raw(name)
        if value is None:
            self.problems.append(f"{name} is required but not set")
            return ""
        return value

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            # Tolerate "8080.0"-style values from the helm chart: truncate to an int.
            number = int(float(value))
        except (ValueError, OverflowError):
            self.problems.append(f"{name} must be an integer, got {value!r}")
            return default
        if not low <= number <= high:
            self.problems.append(f"{name} must be in [{low}, {high}], got {number}")
        return number

    def positive_float(self, name: str, default: float) -> float:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            self.problems.append(f"{name} must be a number, got {value!r}")
            return default
        if number <= 0:
            self.problems.append(f"{name} must be greater than 0, got {value!r}")
        return number

    def boolean(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        self.problems.append(f"{name} must be true or false, got {value!r}")
        return default


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from ``environ`` (default: ``os.environ``).

    Raises:
        ConfigError: listing every missing or invalid variable (never a secret value).
    """
    env = _Reader(os.environ if environ is None else environ)
    environment = env.raw("APP_ENV") or "prod"
    if environment not in _ENVIRONMENTS:
        env.problems.append(f"APP_ENV must be one of {', '.join(_ENVIRONMENTS)}")
    database_url = env.required("DATABASE_URL")
    if database_url and urlsplit(database_url).scheme not in _DB_SCHEMES:
        # The URL may embed a password: name the variable, not the value.
        env.problems.append(f"DATABASE_URL must use one of: {', '.join(_DB_SCHEMES)}")
    payment_api_key = env.required("PAYMENT_API_KEY")
    jwt_signing_key = env.required("JWT_SIGNING_KEY")
    if jwt_signing_key and len(jwt_signing_key) < MIN_SIGNING_KEY_LENGTH:
        env.problems.append(
            f"JWT_SIGNING_KEY must be at least {MIN_SIGNING_KEY_LENGTH} characters"
        )
    port = env.integer("PORT", 8000, 1, 65535)
    debug = env.boolean("DEBUG", False)
    if debug and environment == "prod":
        env.problems.append("DEBUG must be false when APP_ENV is prod")
    timeout = env.positive_float("REQUEST_TIMEOUT_S", 5.0)
    origins = tuple(o.strip() for o in (env.raw("ALLOWED_ORIGINS") or "").split(","))
    if env.problems:
        raise ConfigError(env.problems)
    return Settings(
        environment=cast(Environment, environment),
        database_url=Secret(database_url),
        payment_api_key=Secret(payment_api_key),
        jwt_signing_key=Secret(jwt_signing_key),
        port=port,
        debug=debug,
        allowed_origins=tuple(o for o in origins if o),
        request_timeout_s=timeout,
    )


def log_startup(settings: Settings, logger: logging.Logger | None = None) -> None:
    """Log the effective configuration with secrets masked."""
    (logger or logging.getLogger(__name__)).info(
        "configuration loaded", extra={"settings": settings.safe_dict()}
    )
