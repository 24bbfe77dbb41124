import logging

import pytest

import settings as settings_module
from settings import ConfigError, Settings, SettingsError, load_settings, log_startup

DB_PASSWORD = "s3cr3t-db-pass-9431"
PAYMENT_KEY = "pk_test_env_only_5f2d8c1e9a7b"
SIGNING_KEY = "env-signing-key-0123456789abcdef0123456789"

VALID = {
    "APP_ENV": "staging",
    "DATABASE_URL": f"postgresql://app:{DB_PASSWORD}@db.internal:5432/shop",
    "PAYMENT_API_KEY": PAYMENT_KEY,
    "JWT_SIGNING_KEY": SIGNING_KEY,
    "PORT": "9000",
    "DEBUG": "false",
    "ALLOWED_ORIGINS": "https://shop.example, https://admin.example",
    "REQUEST_TIMEOUT_S": "2.5",
}
SECRETS = (DB_PASSWORD, PAYMENT_KEY, SIGNING_KEY)


@pytest.fixture()
def env(monkeypatch):
    for name in list(VALID) + ["APP_ENV"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in VALID.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_loads_settings_from_the_environment(env):
    s = load_settings()
    assert isinstance(s, Settings)
    assert s.environment == "staging"
    assert s.port == 9000
    assert s.debug is False
    assert s.request_timeout_s == 2.5
    assert list(s.allowed_origins) == ["https://shop.example", "https://admin.example"]
    assert s.payment_api_key.reveal() == PAYMENT_KEY
    assert s.jwt_signing_key.reveal() == SIGNING_KEY
    assert s.database_url.reveal() == VALID["DATABASE_URL"]


def test_explicit_mapping_is_used_instead_of_os_environ(env):
    env.setenv("PORT", "not-a-port")
    s = load_settings({**VALID, "PORT": "8081"})
    assert s.port == 8081


def test_optional_values_have_defaults(env):
    for name in ("PORT", "DEBUG", "ALLOWED_ORIGINS", "REQUEST_TIMEOUT_S"):
        env.delenv(name)
    s = load_settings()
    assert s.port == 8000
    assert s.debug is False
    assert list(s.allowed_origins) == []
    assert s.request_timeout_s == 5.0


def test_missing_secrets_fail_fast_with_every_name(env):
    env.delenv("PAYMENT_API_KEY")
    env.setenv("JWT_SIGNING_KEY", "   ")
    env.delenv("DATABASE_URL")
    with pytest.raises(ConfigError) as info:
        load_settings()
    err = info.value
    assert isinstance(err, SettingsError)
    text = " ".join(err.problems)
    for name in ("PAYMENT_API_KEY", "JWT_SIGNING_KEY", "DATABASE_URL"):
        assert name in text
        assert name in str(err)


@pytest.mark.parametrize(
    "name,value",
    [
        ("PORT", "eighty"),
        ("PORT", "70000"),
        ("PORT", "0"),
        ("DEBUG", "maybe"),
        ("REQUEST_TIMEOUT_S", "0"),
        ("REQUEST_TIMEOUT_S", "soon"),
        ("APP_ENV", "qa"),
        ("DATABASE_URL", "ftp://files.internal/shop"),
        ("JWT_SIGNING_KEY", "too-short-key"),
    ],
    ids=[
        "port-text", "port-range", "port-zero", "debug", "timeout-zero", "timeout-text",
        "app-env", "db-scheme", "short-signing-key",
    ],
)
def test_invalid_values_are_rejected_naming_the_variable(env, name, value):
    env.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert any(name in problem for problem in info.value.problems)


def test_debug_is_refused_in_prod(env):
    env.setenv("APP_ENV", "prod")
    env.setenv("DEBUG", "true")
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert any("DEBUG" in p for p in info.value.problems)
    env.setenv("APP_ENV", "dev")
    assert load_settings().debug is True


def test_all_problems_are_reported_together(env):
    env.setenv("PORT", "x")
    env.setenv("DEBUG", "perhaps")
    env.delenv("PAYMENT_API_KEY")
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert len(info.value.problems) >= 3


def test_error_messages_never_contain_secret_values(env):
    env.setenv("JWT_SIGNING_KEY", "short-but-secret-77")
    env.setenv("DATABASE_URL", f"mysql://root:{DB_PASSWORD}@db/shop")
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert "short-but-secret-77" not in str(info.value)
    assert DB_PASSWORD not in str(info.value)
    assert DB_PASSWORD not in repr(info.value.problems)


def test_secrets_are_masked_in_repr_and_logs(env, caplog):
    s = load_settings()
    for text in (repr(s), str(s), repr(s.payment_api_key), str(s.jwt_signing_key)):
        for secret in SECRETS:
            assert secret not in text
    safe = s.safe_dict()
    assert safe["port"] == 9000
    assert "db.internal" in str(safe["database_url"])
    with caplog.at_level(logging.DEBUG):
        log_startup(s)
    assert caplog.records, "log_startup logged nothing"
    for record in caplog.records:
        dumped = record.getMessage() + repr(vars(record))
        for secret in SECRETS:
            assert secret not in dumped


def test_settings_are_immutable(env):
    s = load_settings()
    with pytest.raises((AttributeError, TypeError, ValueError)):
        s.port = 1


def test_module_holds_no_secret_defaults(env):
    env.delenv("PAYMENT_API_KEY")
    env.delenv("JWT_SIGNING_KEY")
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert any("PAYMENT_API_KEY" in p for p in info.value.problems)
    assert any("JWT_SIGNING_KEY" in p for p in info.value.problems)
    assert not any(
        isinstance(v, str) and v.startswith(("sk_", "pk_"))
        for v in vars(settings_module).values()
    )
