import time

import jwt
import pytest
from fastapi.testclient import TestClient

from auth import AuthConfigError, create_app, hash_password

SECRET = "s" * 16 + "0123456789abcdef-test"
USERS = {
    "alice": hash_password("correct horse", rounds=1000),
    "bob": hash_password("hunter22", rounds=1000),
}


class FakeClock:
    def __init__(self):
        self.now = time.time()

    def __call__(self):
        return self.now


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", SECRET)


@pytest.fixture()
def clock():
    return FakeClock()


@pytest.fixture()
def client(clock):
    return TestClient(create_app(USERS, clock=clock))


def login(client, username="alice", password="correct horse"):
    return client.post("/auth/login", json={"username": username, "password": password})


def me(client, token):
    return client.get("/me", headers={"Authorization": f"Bearer {token}"})


def assert_401(response, code):
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert response.headers.get("www-authenticate", "").lower().startswith("bearer")


def test_login_returns_a_token_pair(client):
    response = login(client)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    claims = jwt.decode(body["access_token"], SECRET, algorithms=["HS256"])
    assert claims["sub"] == "alice" and claims["type"] == "access"
    assert 0 < claims["exp"] - claims["iat"] <= 3600
    refresh = jwt.decode(body["refresh_token"], SECRET, algorithms=["HS256"])
    assert refresh["type"] == "refresh" and refresh["exp"] > claims["exp"]
    assert refresh["jti"] != claims["jti"]


def test_access_token_authenticates(client):
    token = login(client).json()["access_token"]
    response = me(client, token)
    assert response.status_code == 200 and response.json() == {"username": "alice"}


@pytest.mark.parametrize(
    ("username", "password"),
    [("alice", "wrong"), ("mallory", "correct horse"), ("bob", "correct horse")],
    ids=["wrong-password", "unknown-user", "other-users-password"],
)
def test_bad_credentials_are_401(client, username, password):
    assert_401(login(client, username, password), "invalid_credentials")


@pytest.mark.parametrize(
    "body",
    [
        {"username": "alice"},
        {"username": "", "password": "x"},
        {"username": "a" * 65, "password": "x"},
        {"username": "alice' OR 1=1 --", "password": "x"},
        {"username": "alice", "password": "p" * 129},
        {"username": "alice", "password": "correct horse", "role": "admin"},
        {"username": 7, "password": "correct horse"},
    ],
    ids=["no-password", "empty-user", "long-user", "injection-user", "long-password", "extra-field", "int-user"],
)
def test_malformed_login_is_typed_422(client, body):
    response = client.post("/auth/login", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer ", "Basic YWxpY2U6eA==", "Token abc", "Bearer not.a.jwt"],
    ids=["empty", "scheme-only", "scheme-space", "basic", "other-scheme", "garbage"],
)
def test_bad_authorization_header_is_401(client, header):
    assert_401(client.get("/me", headers={"Authorization": header}), "invalid_token")


def test_missing_authorization_is_401(client):
    assert_401(client.get("/me"), "invalid_token")


def test_expired_access_token_is_rejected(client, clock):
    clock.now -= 2 * 3600  # issued two hours ago
    token = login(client).json()["access_token"]
    assert_401(me(client, token), "token_expired")


def test_forged_tokens_are_rejected(client):
    now = int(time.time())
    claims = {"sub": "alice", "type": "access", "iat": now, "exp": now + 600, "jti": "x"}
    other_key = jwt.encode(claims, "another-secret-that-is-long-enough-123", algorithm="HS256")
    assert_401(me(client, other_key), "invalid_token")
    unsigned = jwt.encode(claims, None, algorithm="none")
    assert_401(me(client, unsigned), "invalid_token")
    genuine = jwt.encode(claims, SECRET, algorithm="HS256")
    assert me(client, genuine).status_code == 200
    header, payload, signature = genuine.split(".")
    tampered_payload = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(payload).replace(b"alice", b"bobby")
    ).decode()
    assert_401(me(client, f"{header}.{tampered_payload}.{signature}"), "invalid_token")


def test_token_missing_claims_is_rejected(client):
    token = jwt.encode({"sub": "alice", "type": "access"}, SECRET, algorithm="HS256")
    assert_401(me(client, token), "invalid_token")


def test_refresh_token_is_not_an_access_token(client):
    pair = login(client).json()
    assert_401(me(client, pair["refresh_token"]), "invalid_token")
    response = client.post("/auth/refresh", json={"refresh_token": pair["access_token"]})
    assert_401(response, "invalid_token")


def test_refresh_rotates_tokens(client):
    pair = login(client).json()
    response = client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert response.status_code == 200
    new = response.json()
    assert new["refresh_token"] != pair["refresh_token"]
    assert me(client, new["access_token"]).json() == {"username": "alice"}
    again = client.post("/auth/refresh", json={"refresh_token": new["refresh_token"]})
    assert again.status_code == 200


def test_reused_refresh_token_revokes_the_family(client):
    pair = login(client).json()
    rotated = client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]}).json()
    reuse = client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert_401(reuse, "token_reused")
    after = client.post("/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert_401(after, "token_reused")
    other = login(client, "bob", "hunter22").json()
    assert client.post("/auth/refresh", json={"refresh_token": other["refresh_token"]}).status_code == 200


def test_expired_refresh_token_is_rejected(client, clock):
    clock.now -= 8 * 24 * 3600
    pair = login(client).json()
    response = client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert_401(response, "token_expired")


def test_secret_comes_from_environment(monkeypatch, clock):
    token = login(TestClient(create_app(USERS, clock=clock))).json()["access_token"]
    monkeypatch.setenv("JWT_SECRET", "a-completely-different-secret-0123456789")
    other = TestClient(create_app(USERS, clock=clock))
    assert_401(me(other, token), "invalid_token")


@pytest.mark.parametrize("value", [None, "", "too-short"], ids=["unset", "empty", "short"])
def test_missing_or_weak_secret_fails_fast(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("JWT_SECRET", raising=False)
    else:
        monkeypatch.setenv("JWT_SECRET", value)
    with pytest.raises(AuthConfigError):
        create_app(USERS)


def test_password_hashes_are_salted():
    first, second = hash_password("same", rounds=1000), hash_password("same", rounds=1000)
    assert first != second
    assert "same" not in first
