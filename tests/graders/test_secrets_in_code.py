"""secrets_in_code: literal credentials, key formats, entropy, config files; masked evidence."""

from __future__ import annotations

import pytest
from static_grader_helpers import assert_accuracy, grade

from graders._secret_patterns import classify_name, is_placeholder, looks_random

STRIPE = "sk_live_" + "wVihtI9SYl2hD0Tvg5j6LvWI"


def test_labelled_examples_reach_the_floor() -> None:
    assert_accuracy("secrets_in_code")


def test_evidence_masks_the_secret() -> None:
    g = grade("secrets_in_code", {"billing/keys.py": f'import os\n\nSTRIPE_KEY = "{STRIPE}"\n'})
    assert g.verdict == "fail"
    (ev,) = g.evidence
    assert (ev.file, ev.line, ev.col) == ("billing/keys.py", 3, 14)
    assert "Stripe secret key" in ev.message
    assert STRIPE not in (ev.snippet or "") and STRIPE not in ev.message
    assert ev.snippet == 'STRIPE_KEY = "sk_l…(32 chars)"'


@pytest.mark.parametrize(
    "src",
    [
        'db_password = "hunter2hunter2"\n',
        'def connect(password="s3cr3t!"):\n    pass\n',
        'cfg = {"client_secret": "abc123def"}\n',
        'client = make(api_key="k-1234567")\n',
        'import os\nKEY = os.getenv("JWT_SECRET", "dev-secret")\n',
        'if token == "letmein-now":\n    pass\n',
        'class S:\n    secret_key: str = Field("changeme")\n',
        'URL = "postgresql://app:pw1234@db/app"\n',
        'signing_key = "aB3dE5fG7hJ9kL1mN3pQ5rS7tU"\n',
    ],
)
def test_flags_secret_positions(src: str) -> None:
    assert grade("secrets_in_code", {"app.py": src}).verdict == "fail"


@pytest.mark.parametrize(
    "src",
    [
        'import os\nPASSWORD = os.environ["DB_PASSWORD"]\n',
        'import os\nKEY = os.getenv("JWT_SECRET")\n',
        'TOKEN_URL = "https://auth.test/token"\nTOKEN_TYPE = "bearer"\n',
        'API_KEY_ENV = "OPENAI_API_KEY"\npassword = ""\n',
        'secret = "${APP_SECRET}"\napi_key = "<your-api-key>"\n',
        'salt = "v1"\ncache_key = "users:list"\n',  # weak names, low entropy
        'AWS = "AKIAIOSFODNN7EXAMPLE"\n',
    ],
)
def test_passes_env_reads_and_placeholders(src: str) -> None:
    assert grade("secrets_in_code", {"app.py": src}).verdict == "pass"


def test_test_files_only_get_the_key_format_check() -> None:
    fixture = 'PASSWORD = "hunter2hunter2"\n'
    assert grade("secrets_in_code", {"tests/test_auth.py": fixture}).verdict == "pass"
    leaked = f'KEY = "{STRIPE}"\n'
    assert grade("secrets_in_code", {"tests/test_pay.py": leaked}).verdict == "fail"


def test_config_files_are_scanned_and_templates_are_lenient() -> None:
    env = "DEBUG=1\nSECRET_KEY=5a1f3e9c7b2d4680\nDB_PASSWORD=${DB_PASSWORD}\n"
    g = grade("secrets_in_code", {".env": env, "settings.yaml": "api_key: ''\n"})
    assert g.verdict == "fail" and [(e.file, e.line) for e in g.evidence] == [(".env", 2)]
    template = "SECRET_KEY=changeme\nSTRIPE=<your-key>\n"
    assert grade("secrets_in_code", {".env.example": template}).verdict == "pass"
    assert grade("secrets_in_code", {".env.example": f"STRIPE={STRIPE}\n"}).verdict == "fail"


def test_unparsable_python_is_an_error() -> None:
    g = grade("secrets_in_code", {"a.py": "x = (\n"})
    assert g.verdict == "error" and "a.py" in g.reason


def test_nothing_to_scan_is_skipped() -> None:
    assert grade("secrets_in_code", {"README.md": "hi"}).verdict == "skipped"


def test_name_classes_and_value_heuristics() -> None:
    assert classify_name("dbPassword") == "strong"
    assert classify_name("JWT_SECRET") == "strong"
    assert classify_name("hmac_key") == "strong"
    assert classify_name("cache_key") == "weak"
    assert classify_name("token_url") == ""
    assert classify_name("max_tokens") == "strong"  # only string literals are checked
    assert is_placeholder("${DB_PASSWORD}") and is_placeholder("your-key-here")
    assert not is_placeholder("changeme")
    assert looks_random("aB3dE5fG7hJ9kL1mN3pQ") and not looks_random("aaaaaaaaaaaaaaaaaaaa")


# -- real-code sweep causes (#17) ----------------------------------------------------


@pytest.mark.parametrize(
    ("path", "src"),
    [
        ("app/bolt.py", 'app = App(token="xoxb-valid", token_verification_enabled=False)\n'),
        ("app/plugins/acme_test/conversation.py", 'configuration = {"api_bot_token": "123"}\n'),
        ("docs/gen.py", 'JWT_SECRET = "test"\nDATABASE_CREDENTIALS = "bar:bar"\n'),
        (".github/workflows/ci.yml", "permissions:\n  id-token: write\n"),
        (".github/workflows/ci.yml", "    with:\n      persist-credentials: false\n"),
        ("pyproject.toml", 'basic_auth = "acme.plugins.auth.plugin:BasicAuthPlugin"\n'),
    ],
)
def test_stand_ins_and_settings_are_not_secrets(path: str, src: str) -> None:
    g = grade("secrets_in_code", {path: src})
    assert g.verdict == "pass", [e.message for e in g.evidence]


@pytest.mark.parametrize(
    "src",
    [
        'admin = User("admin", "admin")\n',
        'requests.get(url, auth=("svc", "Tr0ub4dor&3"))\n',
        'client = HTTPBasicAuth("deploy", "hunter22")\n',
    ],
)
def test_positional_account_credentials_fail(src: str) -> None:
    g = grade("secrets_in_code", {"app/seed.py": src})
    assert g.verdict == "fail"
    assert "written positionally" in g.evidence[0].message


def test_known_default_secrets_still_fail() -> None:
    g = grade("secrets_in_code", {".env": "SECRET_KEY=changethis\n"})
    assert g.verdict == "fail"
