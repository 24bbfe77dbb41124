"""The price table covers every model id the pinned anthropic SDK names, with a source."""

from __future__ import annotations

import logging
import re
import typing

import pytest
import yaml

from evals.providers._prices import SHIPPED_PRICES, load_prices
from evals.providers.cost import cost_usd
from evals.schema import Usage

anthropic = pytest.importorskip("anthropic")

ONE_MTOK = Usage(input_tokens=1_000_000, output_tokens=1_000_000)


def _sdk_model_ids() -> list[str]:
    from anthropic.types import ModelParam

    literal = typing.get_args(ModelParam)[0]  # Union[Literal[...], str]
    ids = list(typing.get_args(literal))
    assert len(ids) >= 20 and all(isinstance(i, str) for i in ids)
    return ids


def _raw() -> dict:
    return yaml.safe_load(SHIPPED_PRICES.read_text(encoding="utf-8"))


def test_every_sdk_model_is_priced_or_listed_as_unpublished() -> None:
    table, raw = load_prices(), _raw()
    unpublished = raw.get("unpublished") or {}
    missing = [m for m in _sdk_model_ids() if table.lookup(m) is None and m not in unpublished]
    assert missing == [], f"add prices (with source and as_of) for {missing}"
    for model in _sdk_model_ids():
        if model in unpublished:
            assert table.lookup(model) is None and len(unpublished[model]) > 20
            continue
        price = table.lookup(model)
        assert price is not None and price.output >= price.input > 0
        assert price.cache_read < price.input <= price.cache_write


def test_each_priced_claude_model_names_its_source_and_date() -> None:
    for name, entry in _raw()["models"].items():
        if not name.startswith("claude-") or name.startswith(("claude-3", "claude-opus-4-1")):
            continue
        if name in ("claude-opus-4", "claude-opus-4-5", "claude-sonnet-4", "claude-sonnet-4-5"):
            continue  # priced before sources were recorded (version 3)
        if name == "claude-haiku-4-5":
            continue
        assert "platform.claude.com" in entry.get("source", "") or "github.com" in entry.get(
            "source", ""
        ), name
        assert re.fullmatch(r"2026-\d\d-\d\d", str(entry.get("as_of"))), name


@pytest.mark.parametrize(
    ("model", "dollars"),
    [
        ("anthropic/claude-sonnet-5-5", 12.0),  # 2 + 10
        ("claude-sonnet-5-5-20261001", 12.0),  # a dated id resolves to its own entry
        ("claude-sonnet-5", 12.0),
        ("claude-opus-5-5", 24.0),
        ("claude-opus-5", 30.0),
        ("claude-fable-5-2", 48.0),
        ("claude-fable-5", 60.0),
        ("claude-haiku-5-5", 0.6),
        ("claude-haiku-4-5-20251001", 6.0),
    ],
)
def test_new_prices_and_longest_prefix_lookup(model: str, dollars: float) -> None:
    assert cost_usd(model, ONE_MTOK) == pytest.approx(dollars)


def test_unpublished_and_unknown_ids_still_cost_zero_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        assert cost_usd("anthropic/claude-mythos-preview", ONE_MTOK) == 0.0
        assert cost_usd("anthropic/claude-nonesuch-9", ONE_MTOK) == 0.0
    text = " ".join(r.message for r in caplog.records)
    assert "claude-mythos-preview" in text and "claude-nonesuch-9" in text
