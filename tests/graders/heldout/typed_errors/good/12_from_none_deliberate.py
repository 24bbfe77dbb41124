# GOOD: `raise ... from None` deliberately hides an internal lookup detail behind a typed error (explicit chaining choice).
import hmac
from dataclasses import dataclass


class AuthenticationError(Exception):
    """Credentials were missing or wrong; deliberately vague to the caller."""


@dataclass(frozen=True)
class ApiClient:
    client_id: str
    secret_hash: bytes


class ClientStore:
    def __init__(self, clients: dict[str, ApiClient]) -> None:
        self._clients = clients

    def authenticate(self, client_id: str, secret_hash: bytes) -> ApiClient:
        try:
            client = self._clients[client_id]
        except KeyError:
            # Do not reveal whether the id exists: same error as a wrong secret.
            raise AuthenticationError("invalid client credentials") from None
        if not hmac.compare_digest(client.secret_hash, secret_hash):
            raise AuthenticationError("invalid client credentials")
        return client
