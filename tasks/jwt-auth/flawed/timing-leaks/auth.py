"""JWT access and refresh tokens (HS256) with refresh-token rotation.

- ``POST /auth/login``: username + password -> a token pair.
- ``POST /auth/refresh``: a refresh token -> a new pair; the old refresh token is spent.
  Presenting a spent refresh token again means it leaked: the whole family (every
  token descended from the same login) is revoked.
- ``GET /me``: requires ``Authorization: Bearer <access token>``.

The signing key comes from the ``JWT_SECRET`` environment variable, read when the app
is built; there is no default. Every auth failure is a typed error answered as 401 with
``{"error": {"code", "message"}}`` and ``WWW-Authenticate: Bearer``.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from typing import Annotated, Any

import jwt
from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AuthConfigError",
    "AuthError",
    "create_app",
    "hash_password",
]

SECRET_ENV = "JWT_SECRET"
ALGORITHM = "HS256"
ACCESS_TTL = 15 * 60
REFRESH_TTL = 7 * 24 * 3600
PBKDF2_ROUNDS = 600_000  # OWASP 2023 guidance for PBKDF2-HMAC-SHA256
_REQUIRED_CLAIMS = ["sub", "type", "iat", "exp", "jti"]


class AuthConfigError(RuntimeError):
    """The service cannot start: the signing secret is missing or too short."""


class AuthError(Exception):
    """An authentication failure, answered as 401 with ``code``."""

    code = "invalid_token"


class InvalidCredentials(AuthError):
    code = "invalid_credentials"


class InvalidToken(AuthError):
    code = "invalid_token"


class TokenExpired(AuthError):
    code = "token_expired"


class TokenReused(AuthError):
    code = "token_reused"


def hash_password(password: str, *, rounds: int = PBKDF2_ROUNDS) -> str:
    """``pbkdf2_sha256$<rounds>$<salt hex>$<hash hex>`` for ``password``, salted."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, rounds)
    return f"pbkdf2_sha256${rounds}${salt.hex()}${digest.hex()}"


def _verify_password(password: str, stored: str) -> bool:
    _, rounds, salt_hex, digest_hex = stored.split("$")
    digest = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), bytes.fromhex(salt_hex), int(rounds)
    )
    return digest.hex() == digest_hex


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    password: str = Field(min_length=1, max_length=128)


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=4096)


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int = ACCESS_TTL


def _load_secret() -> str:
    secret = os.environ.get(SECRET_ENV, "")
    if len(secret) < 32:
        raise AuthConfigError(f"set {SECRET_ENV} to a random string of 32+ characters")
    return secret


class TokenService:
    """Issues and verifies tokens; remembers refresh-token state in memory."""

    def __init__(self, secret: str, clock: Callable[[], float]) -> None:
        self._secret = secret
        self._clock = clock
        self._lock = threading.Lock()
        self._spent: dict[str, str] = {}  # refresh jti -> family
        self._revoked_families: set[str] = set()

    def _encode(self, sub: str, kind: str, ttl: int, **extra: str) -> str:
        now = int(self._clock())
        claims = {
            "sub": sub,
            "type": kind,
            "iat": now,
            "exp": now + ttl,
            "jti": secrets.token_hex(16),
            **extra,
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def issue(self, sub: str, family: str | None = None) -> TokenPair:
        family = family or secrets.token_hex(16)
        return TokenPair(
            access_token=self._encode(sub, "access", ACCESS_TTL),
            refresh_token=self._encode(sub, "refresh", REFRESH_TTL, fam=family),
        )

    def decode(self, token: str, kind: str) -> dict[str, Any]:
        """Verified claims of a ``kind`` token.

        Raises:
            TokenExpired: The token's ``exp`` has passed.
            InvalidToken: Bad signature, algorithm, claims or token type.
        """
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                options={"require": _REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenExpired("token has expired") from exc
        except jwt.InvalidTokenError as exc:
            raise InvalidToken(f"token is invalid: {exc}") from exc
        if claims["type"] != kind:
            raise InvalidToken(f"expected an {kind} token")
        return claims

    def rotate(self, refresh_token: str) -> TokenPair:
        """Spend ``refresh_token`` and issue a new pair in the same family.

        Raises:
            TokenReused: The token was already spent; its family is now revoked.
            TokenExpired, InvalidToken: As for :meth:`decode`.
        """
        claims = self.decode(refresh_token, "refresh")
        family = claims.get("fam")
        if not isinstance(family, str):
            raise InvalidToken("refresh token has no family")
        with self._lock:
            if family in self._revoked_families:
                raise TokenReused("refresh token family was revoked")
            if claims["jti"] in self._spent:
                self._revoked_families.add(family)
                raise TokenReused("refresh token was already used; session revoked")
            self._spent[claims["jti"]] = family
        return self.issue(claims["sub"], family)


async def _auth_error(request: Request, exc: Exception) -> JSONResponse:
    code = exc.code if isinstance(exc, AuthError) else "invalid_token"
    return JSONResponse(
        {"error": {"code": code, "message": str(exc)}},
        status_code=401,
        headers={"WWW-Authenticate": "Bearer"},
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    message = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
    return JSONResponse(
        {"error": {"code": "validation_error", "message": message}}, status_code=422
    )


def _current_user(
    request: Request,
    authorization: Annotated[str | None, Header(max_length=8192)] = None,
) -> str:
    """The ``sub`` of a valid bearer access token."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise InvalidToken("send Authorization: Bearer <access token>")
    tokens: TokenService = request.app.state.tokens
    return str(tokens.decode(token, "access")["sub"])


def create_app(
    users: Mapping[str, str], *, clock: Callable[[], float] = time.time
) -> FastAPI:
    """Build the auth API. ``users`` maps usernames to :func:`hash_password` hashes.

    Raises:
        AuthConfigError: ``JWT_SECRET`` is unset or shorter than 32 characters.
    """
    tokens = TokenService(_load_secret(), clock)
    app = FastAPI(title="Auth", version="1.0.0")
    app.state.tokens = tokens
    app.add_exception_handler(AuthError, _auth_error)
    app.add_exception_handler(RequestValidationError, _validation_error)

    @app.post("/auth/login", response_model=TokenPair)
    def login(payload: LoginRequest) -> TokenPair:
        """Exchange a username and password for an access and a refresh token."""
        stored = users.get(payload.username)
        if stored is None or not _verify_password(payload.password, stored):
            raise InvalidCredentials("unknown user or wrong password")
        return tokens.issue(payload.username)

    @app.post("/auth/refresh", response_model=TokenPair)
    def refresh(payload: RefreshRequest) -> TokenPair:
        """Rotate a refresh token: it is spent, and a new pair is returned."""
        return tokens.rotate(payload.refresh_token)

    @app.get("/me")
    def me(user: Annotated[str, Depends(_current_user)]) -> dict[str, str]:
        """The authenticated user."""
        return {"username": user}

    return app
