"""The versioned price table (``prices.yaml``) and model-name lookup.

The shipped table sits beside this module. ``PERSONA_EVALS_PRICES=/path/prices.yaml``
(or an explicit ``path``) layers a user file on top, model by model, so a one-model file
is enough to correct or add a price.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from evals.errors import ConfigError

__all__ = ["PRICES_ENV", "SHIPPED_PRICES", "ModelPrice", "PriceTable", "load_prices"]

PRICES_ENV = "PERSONA_EVALS_PRICES"
SHIPPED_PRICES = Path(__file__).with_name("prices.yaml")
_FIELDS = ("input", "output", "cache_write", "cache_read")


@dataclass(frozen=True)
class ModelPrice:
    """Dollars per million tokens for one model."""

    input: float
    output: float
    cache_write: float
    cache_read: float
    min_cache_tokens: int = 1024


@dataclass(frozen=True)
class PriceTable:
    """A parsed price table: ``version``/``date`` say which prices a bill used."""

    version: str
    date: str
    batch_discount: float
    models: dict[str, ModelPrice]
    sources: tuple[str, ...]

    def lookup(self, model: str) -> ModelPrice | None:
        """Price of ``model`` (``kind/`` prefix allowed), by longest ``-``-boundary prefix."""
        name = model.split("/", 1)[1] if "/" in model else model
        name = name.lower()
        best: str | None = None
        for key in self.models:
            if (name == key or name.startswith(key + "-") or name.startswith(key + "@")) and (
                best is None or len(key) > len(best)
            ):
                best = key
        return self.models[best] if best is not None else None


def _number(value: Any, where: Path, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(
            "must be a non-negative number of dollars per MTok", path=where, field=field
        )
    return float(value)


def _parse(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(
            f"cannot read price table ({exc.strerror}); fix {PRICES_ENV}", path=path
        ) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}".splitlines()[0], path=path) from exc
    if not isinstance(data, dict) or not isinstance(data.get("models", {}), dict):
        raise ConfigError("expected a mapping with a `models:` mapping", path=path, field="models")
    return data


def _models(data: dict[str, Any], path: Path) -> dict[str, ModelPrice]:
    out: dict[str, ModelPrice] = {}
    for name, entry in (data.get("models") or {}).items():
        where = f"models.{name}"
        if not isinstance(entry, dict):
            raise ConfigError(
                "expected {input, output, cache_write, cache_read}", path=path, field=where
            )
        missing = [f for f in ("input", "output") if f not in entry]
        if missing:
            raise ConfigError(f"missing {missing[0]}", path=path, field=where)
        prices = {f: _number(entry.get(f, 0.0), path, f"{where}.{f}") for f in _FIELDS}
        # Providers without a cache premium bill cache writes as plain input.
        if "cache_write" not in entry:
            prices["cache_write"] = prices["input"]
        if "cache_read" not in entry:
            prices["cache_read"] = prices["input"]
        min_cache = entry.get("min_cache_tokens", 1024)
        if not isinstance(min_cache, int) or min_cache < 0:
            raise ConfigError(
                "must be a non-negative integer", path=path, field=f"{where}.min_cache_tokens"
            )
        out[str(name).lower()] = ModelPrice(**prices, min_cache_tokens=min_cache)
    return out


@lru_cache(maxsize=8)
def _load(paths: tuple[Path, ...]) -> PriceTable:
    version, date, discount = "", "", 0.5
    models: dict[str, ModelPrice] = {}
    for path in paths:
        data = _parse(path)
        version = str(data.get("version", version))
        date = str(data.get("date", date))
        if "batch_discount" in data:
            discount = _number(data["batch_discount"], path, "batch_discount")
        models.update(_models(data, path))
    return PriceTable(version, date, discount, models, tuple(str(p) for p in paths))


def load_prices(path: Path | None = None) -> PriceTable:
    """The shipped table, overlaid by ``path`` or ``$PERSONA_EVALS_PRICES`` when given.

    Raises:
        ConfigError: the override file is missing or malformed (names file and field).
    """
    override = path or (Path(os.environ[PRICES_ENV]) if os.environ.get(PRICES_ENV) else None)
    paths: tuple[Path, ...] = (SHIPPED_PRICES,)
    if override is not None:
        if not override.is_file():
            raise ConfigError(
                f"price table does not exist; fix {PRICES_ENV} or the path", path=override
            )
        paths = (SHIPPED_PRICES, override.resolve())
    return _load(paths)
