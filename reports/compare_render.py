"""A :class:`~reports.compare.Comparison` as Markdown (CI summaries, PRs) and HTML."""

from __future__ import annotations

import math
from pathlib import Path

from reports._render import pct, pvalue, render, signed_pct
from reports.compare import IMPROVED, REGRESSED, Comparison

__all__ = ["comparison_markdown", "write_comparison_html"]

_MARK = {REGRESSED: "▼ **regressed**", IMPROVED: "▲ **improved**"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def comparison_markdown(cmp: Comparison, *, title: str | None = None) -> str:
    """The comparison as GitHub-flavoured Markdown: verdict line, rule table, rule diff."""
    t = cmp.table
    lines = [f"## {title or 'Persona comparison'}: `{cmp.a.label}` → `{cmp.b.label}`", ""]
    reg, imp = cmp.regressed, cmp.improved
    if reg:
        lines.append(
            f"**Significant regression** on {len(reg)} rule(s): " + ", ".join(f"`{r}`" for r in reg)
        )
    else:
        lines.append("No significant regression.")
    if imp:
        lines.append(
            f"Significant improvement on {len(imp)} rule(s): " + ", ".join(f"`{r}`" for r in imp)
        )
    lines += [
        "",
        f"{cmp.pairs} paired (sample, rule) verdicts; samples paired by "
        f"{', '.join(cmp.pair_by)} (`--pair-by {','.join(cmp.pair_by)}`). "
        "Exact McNemar test per rule, Holm-corrected across "
        f"{int((t['pairs'] > 0).sum())} rules at α = {cmp.alpha}; 95% CI by paired bootstrap "
        "over tasks.",
        "",
        "| rule | before | after | Δ (95% CI) | pairs ↑/↓ | p (Holm) | verdict | grader errors "
        "before → after | persona |",
        "| --- | ---: | ---: | --- | ---: | ---: | --- | ---: | --- |",
    ]
    for r in t.itertuples():
        ci = f"{signed_pct(r.delta)} [{signed_pct(r.ci_low)}, {signed_pct(r.ci_high)}]"
        lines.append(
            f"| `{r.rule}` | {pct(r.a_rate)} | {pct(r.b_rate)} | {ci} | "
            f"{r.improved_pairs}/{r.regressed_pairs} | {pvalue(r.p_holm)} | "
            f"{_MARK.get(str(r.verdict), str(r.verdict))} | "
            f"{pct(getattr(r, 'a_error_rate', math.nan))} → "
            f"{pct(getattr(r, 'b_error_rate', math.nan))} | {r.persona_change} |"
        )
    d = cmp.diff
    if d.added or d.removed or d.changed:
        lines += ["", "### Persona rule diff", ""]
        lines += [f"- added `{r['id']}`: {_cell(r.get('text', ''))}" for r in d.added]
        lines += [f"- removed `{r['id']}`: {_cell(r.get('text', ''))}" for r in d.removed]
        for c in d.changed:
            if c["old"] != c["new"]:
                lines.append(f"- changed `{c['id']}`: ~~{_cell(c['old'])}~~ → {_cell(c['new'])}")
            if c["old_graders"] != c["new_graders"]:
                lines.append(
                    f"- graders of `{c['id']}`: {', '.join(c['old_graders']) or '—'} → "
                    f"{', '.join(c['new_graders']) or '—'}"
                )
    return "\n".join(lines) + "\n"


def write_comparison_html(cmp: Comparison, out: Path) -> Path:
    """Write the comparison as one self-contained HTML file; returns ``out``."""
    html = render(
        "compare.html.j2",
        cmp=cmp,
        rows=cmp.table.to_dict("records"),
        REGRESSED=REGRESSED,
        IMPROVED=IMPROVED,
    )
    out.write_text(html, encoding="utf-8")
    return out
