"""``secrets_in_code``: rule "Never: store secrets in code or config files".

Fails on:

- a literal credential held by a secret-like name (``password``, ``secret``, ``token``,
  ``api_key``, ``private_key``, ``client_secret``, ...): assignments, class fields of
  config classes (``Field``/``SecretStr`` defaults too), dict keys, keyword arguments,
  parameter defaults and comparisons (``if token == "..."``);
- a high-entropy literal (>= 16 chars, >= 3.5 bits/char, mixed classes) held by a
  weaker name (``key``, ``salt``, ``signature``, ``auth``, ...);
- a hard-coded fallback for a secret in an environment read (``os.getenv("API_KEY",
  "dev-key")``);
- known provider key formats anywhere (AWS ``AKIA...``, Stripe ``sk_live_``/``rk_live_``/
  ``whsec_``, GitHub ``ghp_``/``github_pat_``, Slack ``xox*``, Google ``AIza...``,
  Anthropic ``sk-ant-``, OpenAI ``sk-``/``sk-proj-``, PEM private-key blocks, JWTs);
- passwords inside connection URLs (``postgres://app:hunter2@db/app``).

Passes: reads from the environment (``os.environ[...]``, ``os.getenv`` without a
fallback, pydantic ``BaseSettings`` fields without a default), secret managers, and
placeholders: empty strings, ``${VAR}``/``{{ var }}``/``<your-key>``/``%(name)s``
templates, ``xxxx``/``****``, ``your-...``/``...-here``, and env-var *names*. A weak
default such as ``"changeme"`` or ``"dev-secret"`` in code fails: it ships, and a
service that starts with it is running on a known secret. Documented example keys
(``...EXAMPLE``, ``fake``, ``dummy``, ``xxxxxx``) never fail.

Files: every ``.py`` file, and config files (``.env*``, ``.yaml``/``.yml``, ``.json``,
``.toml``, ``.ini``, ``.cfg``, ``.conf``). The candidate's test files only get the
key-format check (fixtures may hold fake credentials); example/template config files
(``.env.example``) likewise. Evidence masks every secret it quotes.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from evals.schema import Evidence, Grade
from graders._ast_util import parse_modules
from graders._base import GradeContext, StaticGrader, error_grade, skipped_grade
from graders._secret_config import is_config_path, scan_config
from graders._secret_patterns import mask
from graders._secret_python import SecretFinding, scan_python
from graders._sources import is_test_support, isolate_unparsable

__all__ = ["SecretsInCodeGrader"]


def _evidence(f: SecretFinding, text: str) -> Evidence:
    lines = text.splitlines()
    snippet = lines[f.line - 1].strip() if 0 < f.line <= len(lines) else ""
    if f.secret:
        snippet = snippet.replace(f.secret, mask(f.secret))
    return Evidence(file=f.path, line=f.line, col=f.col, snippet=snippet, message=f.message)


class SecretsInCodeGrader(StaticGrader):
    """Fails when a credential is written into code or config; see the module docstring."""

    name: ClassVar[str] = "secrets_in_code"
    default_rules: ClassVar[tuple[str, ...]] = ("never-secrets-in-code",)
    scope: ClassVar[Literal["all", "declared"]] = "all"

    @isolate_unparsable(include_tests=True)
    def check(self, ctx: GradeContext) -> list[Grade]:
        """Scan every Python and config file of the sample."""
        rules = ctx.rule_ids or self.default_rules
        modules, problems = parse_modules(ctx.files, include_tests=True)
        if problems:
            return [error_grade(self.name, rules, "; ".join(p.reason for p in problems))]
        configs = sorted(p for p in ctx.files if is_config_path(p))
        if not modules and not configs:
            return [skipped_grade(self.name, rules, "no Python or config files to scan")]
        findings: list[SecretFinding] = []
        for module in modules:
            findings += scan_python(module, test_file=is_test_support(module.path))
        for path in configs:
            findings += scan_config(path, ctx.files[path])
        seen: set[tuple[str, int, str]] = set()
        evidence: list[Evidence] = []
        for f in sorted(findings, key=lambda f: (f.path, f.line, f.kind != "key_format", f.col)):
            if (f.path, f.line, f.secret) in seen:
                continue
            seen.add((f.path, f.line, f.secret))
            evidence.append(_evidence(f, ctx.files[f.path]))
        scanned = len(modules) + len(configs)
        if not evidence:
            reason = f"no credentials in {scanned} file(s)"
            return [self.make_grade(ctx, "pass", reason=reason, files_scanned=scanned)]
        first = evidence[0]
        reason = f"{len(evidence)} credential(s) in code/config; first {first.file}:{first.line}"
        kinds = sorted({f.kind for f in findings})
        return [
            self.make_grade(
                ctx,
                "fail",
                reason=reason,
                evidence=evidence,
                kind="secret",
                finding_kinds=kinds,
                files_scanned=scanned,
            )
        ]
