"""The jinja2 environment shared by every HTML report, and its formatting filters."""

from __future__ import annotations

import math
import re
from datetime import datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

__all__ = ["duration", "env", "money", "pct", "render"]


def _nan(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def pct(x: Any, digits: int = 0) -> str:
    """0.8765 -> ``88%``; NaN/None -> an em dash."""
    return "—" if _nan(x) else f"{float(x) * 100:.{digits}f}%"


def signed_pct(x: Any) -> str:
    """Signed percentage points: 0.05 -> ``+5 pp``."""
    return "—" if _nan(x) else f"{float(x) * 100:+.0f} pp"


def money(x: Any) -> str:
    """USD with sensible precision."""
    if _nan(x):
        return "—"
    v = float(x)
    return f"${v:,.2f}" if v >= 1 else f"${v:.4f}"


def num(x: Any, digits: int = 2) -> str:
    """A float with ``digits`` decimals, or an em dash."""
    return "—" if _nan(x) else f"{float(x):,.{digits}f}"


def pvalue(x: Any) -> str:
    """p-values: ``<0.001`` below a thousandth."""
    if _nan(x):
        return "—"
    return "<0.001" if float(x) < 0.001 else f"{float(x):.3f}"


def duration(start: str | None, end: str | None) -> str:
    """ISO timestamps -> ``1h 02m 03s``; an em dash when either is missing."""
    if not start or not end:
        return "—"
    try:
        secs = int((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds())
    except ValueError:
        return "—"
    h, rem = divmod(max(secs, 0), 3600)
    m, s = divmod(rem, 60)
    return f"{h}h {m:02d}m {s:02d}s" if h else f"{m}m {s:02d}s"


def inline_md(text: Any) -> Markup:
    """Escape ``text`` and render only inline markdown: ``**bold**`` and ```code```."""
    html = str(escape(str(text)))
    html = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html)
    html = re.sub(r"`([^`]+)`", r"<code>\1</code>", html)
    return Markup(html)


@cache
def env() -> Environment:
    """The environment: templates from ``reports/templates``, HTML autoescaping on."""
    e = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    e.filters.update(
        md=inline_md, pct=pct, signed_pct=signed_pct, money=money, num=num, pvalue=pvalue
    )
    return e


def render(template: str, **context: Any) -> str:
    """Render ``template`` (a file under ``reports/templates``) with ``context``."""
    return env().get_template(template).render(**context)
