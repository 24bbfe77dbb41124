# ruff: noqa: E501  (a data table)
"""Build ``graders/judge/labels.jsonl`` from the suite's gold/flawed variants + handwritten cases.

Run from the repository root: ``.venv/bin/python tests/graders/judge/make_labels.py``.
Suite items are excerpts: for each anchor, the innermost function (or the top-level
statement) of the variant's file that contains the anchor text; the excerpt is verbatim
source. The human verdict and rationale below were written by reading each excerpt
against ``graders/judge/rubrics.yaml``; flawed variants label the rule they were built to
break as ``fail`` only where the excerpt shows the break.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(Path(__file__).parent))
from handwritten import HANDWRITTEN  # noqa: E402

from evals.tasks import load_task  # noqa: E402

OUT = ROOT / "graders" / "judge" / "labels.jsonl"

# (id, rule, variant dir under tasks/, file, anchors, verdict, rationale)
SUITE: list[tuple[str, str, str, str, list[str], str, str]] = [
    # -- principle-fail-fast ------------------------------------------------------------
    (
        "ff-config-gold",
        "principle-fail-fast",
        "config-secrets/solution",
        "settings.py",
        ["def load_settings"],
        "pass",
        "Collects every invalid variable at start-up and raises ConfigError before any use.",
    ),
    (
        "ff-config-untyped",
        "principle-fail-fast",
        "config-secrets/flawed/untyped-error",
        "settings.py",
        ["def load_settings"],
        "pass",
        "Still validates everything at boot and stops with a message naming each variable; "
        "the bare Exception breaks typed errors, not fail-fast.",
    ),
    (
        "ff-aggregator-gold",
        "principle-fail-fast",
        "async-aggregator/solution",
        "aggregator.py",
        ["except ServiceError as exc"],
        "pass",
        "Only timeouts and ServiceError become reported failures; anything else propagates.",
    ),
    (
        "ff-aggregator-swallow",
        "principle-fail-fast",
        "async-aggregator/flawed/swallow-all",
        "aggregator.py",
        ["except Exception as exc"],
        "fail",
        "Every exception, bugs included, is turned into a partial-failure entry and hidden.",
    ),
    (
        "ff-dlq-gold",
        "principle-fail-fast",
        "dlq-consumer/solution",
        "consumer.py",
        ["raise DeadLetterPublishError"],
        "pass",
        "A failed dead-letter publish is raised, so the message is not acked and lost.",
    ),
    (
        "ff-dlq-swallow",
        "principle-fail-fast",
        "dlq-consumer/flawed/swallow-dlq-failure",
        "consumer.py",
        ["Keep consuming"],
        "fail",
        "A failed dead-letter publish is logged and swallowed; the message is silently lost.",
    ),
    (
        "ff-cache-gold",
        "principle-fail-fast",
        "cache-aside/solution",
        "product_cache.py",
        ["loaded = await asyncio.to_thread(self._repo.get_many, misses)"],
        "pass",
        "Repository failures propagate to the caller instead of returning partial data.",
    ),
    (
        "ff-cache-swallow",
        "principle-fail-fast",
        "cache-aside/flawed/swallow-errors",
        "product_cache.py",
        ["catalogue unavailable"],
        "fail",
        "A catalogue failure is logged and a partial result returned as if complete.",
    ),
    (
        "ff-ratelimit-gold",
        "principle-fail-fast",
        "rate-limiter/solution",
        "rate_limit.py",
        ["decision = limiter.try_acquire(key)"],
        "pass",
        "Limiter errors propagate; the dependency does not hide them.",
    ),
    (
        "ff-ratelimit-failopen",
        "principle-fail-fast",
        "rate-limiter/flawed/fail-open",
        "rate_limit.py",
        ["fail open"],
        "fail",
        "Any limiter exception, bugs included, is swallowed and the request let through.",
    ),
    (
        "ff-cursor-gold",
        "principle-fail-fast",
        "cursor-pagination/solution",
        "events_api.py",
        ["def decode_cursor"],
        "pass",
        "Each malformed or forged cursor stops at the first check with a specific CursorError.",
    ),
    (
        "ff-cursor-broad",
        "principle-fail-fast",
        "cursor-pagination/flawed/broad-except",
        "events_api.py",
        ["def decode_cursor"],
        "fail",
        "Any error while decoding becomes None; the caller cannot tell why.",
    ),
    (
        "ff-circuit-swallow-parse",
        "principle-fail-fast",
        "circuit-breaker/flawed/swallow-parse",
        "inventory_client.py",
        ["available = None"],
        "fail",
        "A malformed inventory body is swallowed into None instead of raising.",
    ),
    (
        "ff-circuit-gold",
        "principle-fail-fast",
        "circuit-breaker/solution",
        "inventory_client.py",
        ["inventory sent a malformed body"],
        "pass",
        "A malformed body raises InventoryUnavailable chained to the parse error.",
    ),
    # -- principle-security-first -------------------------------------------------------
    (
        "sec-config-gold",
        "principle-security-first",
        "config-secrets/solution",
        "settings.py",
        ["def load_settings"],
        "pass",
        "Secrets are required from the environment and error messages name variables only.",
    ),
    (
        "sec-config-hardcoded",
        "principle-security-first",
        "config-secrets/flawed/hardcoded-fallback",
        "settings.py",
        ["DEFAULT_PAYMENT_API_KEY =", "def load_settings"],
        "fail",
        "A live payment key is hard-coded as the fallback.",
    ),
    (
        "sec-config-secret-in-error",
        "principle-security-first",
        "config-secrets/flawed/secret-in-error",
        "settings.py",
        ["def load_settings"],
        "fail",
        "Validation errors echo the database URL and the short signing key.",
    ),
    (
        "sec-jwt-gold",
        "principle-security-first",
        "jwt-auth/solution",
        "auth.py",
        ["def _load_secret"],
        "pass",
        "The signing key must come from the environment and be 32+ characters; no default.",
    ),
    (
        "sec-jwt-hardcoded",
        "principle-security-first",
        "jwt-auth/flawed/hardcoded-secret",
        "auth.py",
        ["DEMO_JWT_SECRET =", "def _load_secret"],
        "fail",
        "A demo signing key in the source is used whenever JWT_SECRET is unset.",
    ),
    (
        "sec-jwt-broad-except",
        "principle-security-first",
        "jwt-auth/flawed/broad-except",
        "auth.py",
        ["claims = {}"],
        "pass",
        "Any decode failure still ends in InvalidToken: nothing unverified is accepted (the "
        "broad except breaks typed errors, not security).",
    ),
    (
        "sec-corr-gold",
        "principle-security-first",
        "correlation-logging/solution",
        "orders_api.py",
        ["_REQUEST_ID_RE =", "def is_valid_request_id"],
        "pass",
        "Incoming request ids must fully match a strict pattern before they reach the logs.",
    ),
    (
        "sec-corr-unanchored",
        "principle-security-first",
        "correlation-logging/flawed/unanchored-id-check",
        "orders_api.py",
        ["_REQUEST_ID_RE =", "def is_valid_request_id"],
        "fail",
        "re.match only anchors the start: any suffix (spaces, newlines) passes into the logs.",
    ),
    (
        "sec-cursor-gold",
        "principle-security-first",
        "cursor-pagination/solution",
        "events_api.py",
        ["def decode_cursor"],
        "pass",
        "The HMAC is checked with compare_digest before the payload is parsed.",
    ),
    (
        "sec-cursor-hardcoded",
        "principle-security-first",
        "cursor-pagination/flawed/hardcoded-secret",
        "events_api.py",
        ["DEFAULT_CURSOR_SECRET =", "secret = os.environ.get(SECRET_ENV"],
        "fail",
        "The cursor signing secret falls back to a constant shared by every deployment.",
    ),
    (
        "sec-payments-nohash",
        "principle-security-first",
        "idempotent-payments/flawed/no-hash-check",
        "payments_api.py",
        ["_, state, status_code, body = row"],
        "fail",
        "A reused Idempotency-Key is trusted without checking it was issued for this body.",
    ),
    (
        "sec-apiv-allowlisted-fstring",
        "principle-security-first",
        "api-versioning/flawed/sql-fstring-status",
        "service.py",
        ['status_filter = f"AND o.status'],
        "pass",
        "The inlined status was checked against the allow-list first, so no untrusted text "
        "reaches the SQL (SQL building is graded by its own rule).",
    ),
    # -- principle-readability ----------------------------------------------------------
    (
        "read-worker-gold",
        "principle-readability",
        "graceful-shutdown/solution",
        "job_worker.py",
        ["async def _drain"],
        "pass",
        "A short drain method with named steps and a comment saying why each deadline applies.",
    ),
    (
        "read-ratelimit-gold",
        "principle-readability",
        "rate-limiter/solution",
        "rate_limit.py",
        ["def try_acquire"],
        "pass",
        "The token-bucket step reads top to bottom with named values.",
    ),
    (
        "read-dlq-gold",
        "principle-readability",
        "dlq-consumer/solution",
        "consumer.py",
        ["def process"],
        "pass",
        "One retry loop whose branches name the error kinds they handle.",
    ),
    (
        "read-batch-gold",
        "principle-readability",
        "batch-import/solution",
        "importer.py",
        ["def _parse_row"],
        "pass",
        "Row parsing is a flat sequence of named checks.",
    ),
    (
        "read-cache-gold",
        "principle-readability",
        "cache-aside/solution",
        "product_cache.py",
        ["async def get_products"],
        "pass",
        "Hits, misses and the load of the misses are separate, clearly named steps.",
    ),
    # -- always-document-api ------------------------------------------------------------
    (
        "doc-rest-gold",
        "always-document-api",
        "rest-crud/solution",
        "app.py",
        ["def create_app"],
        "pass",
        "Every route has a response model, a summary, documented error responses and a docstring.",
    ),
    (
        "doc-rest-nodocs",
        "always-document-api",
        "rest-crud/flawed/no-docs",
        "app.py",
        ["def create_app"],
        "fail",
        "Routes have response models but no summaries, docstrings or documented error responses.",
    ),
    (
        "doc-apiv-gold",
        "always-document-api",
        "api-versioning/solution",
        "api.py",
        ["def get_order_v2"],
        "pass",
        "The v2 route declares its response model, error responses, summary and description.",
    ),
    (
        "doc-apiv-nodocs",
        "always-document-api",
        "api-versioning/flawed/no-docs",
        "api.py",
        ["def get_order_v2"],
        "fail",
        "The v2 route documents nothing: no summary, response model or error responses.",
    ),
    (
        "doc-payments-gold",
        "always-document-api",
        "idempotent-payments/solution",
        "payments_api.py",
        ["def create_payment"],
        "pass",
        "The endpoint documents its models, the Idempotency-Key header and its error statuses.",
    ),
    (
        "doc-cursor-gold",
        "always-document-api",
        "cursor-pagination/solution",
        "events_api.py",
        ["def list_events"],
        "pass",
        "The list endpoint documents its parameters, response model and the 400 for bad cursors.",
    ),
    # -- always-profile-first -----------------------------------------------------------
    (
        "prof-cache-gold",
        "always-profile-first",
        "cache-aside/solution",
        "product_cache.py",
        ["class CacheStats", "self.stats.hits += 1"],
        "pass",
        "The cache counts hits and misses, so its effect can be measured.",
    ),
    (
        "prof-cache-stale",
        "always-profile-first",
        "cache-aside/flawed/stale-after-write",
        "product_cache.py",
        ["class CacheStats", "self.stats.hits += 1"],
        "pass",
        "Hit/miss counters are still there; the flaw (stale reads) is not a profiling question.",
    ),
    (
        "prof-batch-gold",
        "always-profile-first",
        "batch-import/solution",
        "importer.py",
        ["def import_order_lines"],
        "not_applicable",
        "Batched inserts in one transaction are the obvious design for a bulk import, not a "
        "speculative optimisation; nothing here needs a profile.",
    ),
    (
        "prof-batch-commit",
        "always-profile-first",
        "batch-import/flawed/commit-per-batch",
        "importer.py",
        ["Commit each batch"],
        "fail",
        "Commits per batch for an unmeasured worry about long transactions, giving up atomicity.",
    ),
]


def _segment(source: str, tree: ast.Module, anchor: str) -> tuple[int, int]:
    lines = source.splitlines()
    hits = [i for i, line in enumerate(lines, 1) if anchor in line]
    if not hits:
        raise SystemExit(f"anchor not found: {anchor!r}")
    target = hits[0]
    best: tuple[int, int] | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            end = node.end_lineno or node.lineno
            if start <= target <= end and (best is None or end - start < best[1] - best[0]):
                best = (start, end)
    if best is None:  # module level: the statement holding the anchor
        for node in tree.body:
            end = node.end_lineno or node.lineno
            if node.lineno <= target <= end:
                return node.lineno, end
    assert best is not None
    return best


def excerpt(source: str, anchors: list[str]) -> str:
    tree = ast.parse(source)
    spans = sorted({_segment(source, tree, a) for a in anchors})
    lines = source.splitlines()
    return "\n\n".join("\n".join(lines[s - 1 : e]) for s, e in spans) + "\n"


def main() -> None:
    rows = []
    for item_id, rule, variant, name, anchors, verdict, why in SUITE:
        task, _, which = variant.partition("/")
        loaded = load_task(ROOT / "tasks" / task)
        files = loaded.solution if which == "solution" else loaded.variant_files(which[7:])
        text = excerpt(files[name], anchors)
        rows.append(
            {
                "id": item_id,
                "rule": rule,
                "task": task,
                "source": f"tasks/{variant}/{name}",
                "files": {name: text},
                "verdict": verdict,
                "rationale": why,
            }
        )
    for item in HANDWRITTEN:
        rows.append({"source": "handwritten", **item})
    with OUT.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} items -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
