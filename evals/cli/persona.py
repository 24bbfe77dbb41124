"""``evals persona show|diff``: a persona's rules and their grader coverage, and rule diffs."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.table import Table

    from evals.persona import Persona, PersonaDiff, Rule

__all__ = ["persona_app", "register"]

persona_app = typer.Typer(
    help="Persona specs: the rules they define, their coverage, and how they changed.",
    no_args_is_help=True,
)

#: Below this console width the rule text is stacked under its id.
_WIDE = 120

RefArg = Annotated[
    str, typer.Argument(metavar="FILE[@REV]", help="Persona file, or FILE@<git-rev>.")
]


#: ``--min-coverage``, shared by ``evals persona show`` and ``evals run``.
MinCoverageOption = Annotated[
    float | None,
    typer.Option(
        "--min-coverage",
        min=0.0,
        max=1.0,
        help="Exit 1 if less than this share (0-1) of a persona's rules is measured.",
    ),
]


class ShowFormat(StrEnum):
    """Output formats of ``evals persona show``."""

    table = "table"
    json = "json"


class DiffFormat(StrEnum):
    """Output formats of ``evals persona diff``."""

    table = "table"
    json = "json"
    markdown = "markdown"


def register(app: typer.Typer) -> None:
    """Add the ``persona`` command group to ``app``."""
    app.add_typer(persona_app, name="persona")


@persona_app.command("show")
def show(
    ref: RefArg,
    fmt: Annotated[ShowFormat, typer.Option("--format", help="table or json.")] = ShowFormat.table,
    fail_unmeasured: Annotated[
        bool, typer.Option("--fail-unmeasured", help="Exit 1 if a rule has no grader.")
    ] = False,
    min_coverage: MinCoverageOption = None,
) -> None:
    """The persona's rules: id, section, text, graders (or UNMEASURED) and coverage."""
    from evals.persona import load_persona
    from graders import grader_names  # the registry scans entry points: only when needed

    persona = load_persona(ref, known_graders=grader_names())
    if fmt is ShowFormat.json:
        typer.echo(json.dumps(persona.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print_rules(persona)
    for warning in persona.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if coverage_failure(persona, fail_unmeasured=fail_unmeasured, min_coverage=min_coverage):
        raise typer.Exit(1)


def coverage_failure(
    persona: Persona, *, fail_unmeasured: bool, min_coverage: float | None
) -> str | None:
    """Why the persona's coverage fails the gate, or ``None`` when it passes.

    Args:
        persona: The loaded persona.
        fail_unmeasured: Any unmeasured rule fails (unless ``min_coverage`` is given,
            which then sets the bar instead).
        min_coverage: The least share of measured rules, in [0, 1].
    """
    unmeasured = persona.unmeasured()
    share = persona.coverage()
    if min_coverage is not None and share < min_coverage:
        return (
            f"{persona.ref}: {share:.0%} of {len(persona.rules)} rules measured, below "
            f"--min-coverage {min_coverage:.0%} (unmeasured: {', '.join(r.id for r in unmeasured)})"
        )
    if fail_unmeasured and min_coverage is None and unmeasured:
        return (
            f"{persona.ref}: {len(unmeasured)} of {len(persona.rules)} rules unmeasured "
            f"({', '.join(r.id for r in unmeasured)}); map them in "
            f"{persona.path.stem}.rules.yaml or pass --min-coverage"
        )
    return None


class Mapper(StrEnum):
    """Who decides what a rule asks for in ``evals persona map``."""

    matcher = "matcher"
    llm = "llm"


class LLMRules(StrEnum):
    """Which rules ``--mapper llm`` sends to the model."""

    unmatched = "unmatched"
    all = "all"


@persona_app.command("map")
def map_rules(
    ref: RefArg,
    write: Annotated[
        bool, typer.Option("--write", help="Append the entries to the persona's sidecar.")
    ] = False,
    mapper: Annotated[
        Mapper,
        typer.Option(
            "--mapper", help="matcher (deterministic) or llm (ask the judge model; see --judge)."
        ),
    ] = Mapper.matcher,
    judge: Annotated[
        str | None,
        typer.Option("--judge", help="Judge provider/model for --mapper llm."),
    ] = None,
    llm_rules: Annotated[
        LLMRules,
        typer.Option(
            "--llm-rules", help="unmatched: only rules the matcher found no behaviour in; all."
        ),
    ] = LLMRules.unmatched,
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir", help="LLM decision cache (default ~/.cache/persona-evals/persona-map)."
        ),
    ] = None,
) -> None:
    """The rule -> behaviour -> grader decisions as sidecar entries, for review.

    Prints the entries for every rule no sidecar entry names yet; with ``--write`` they
    are appended to ``<stem>.rules.yaml`` (pinning ids and graders). ``--mapper llm``
    asks the judge model about the rules the matcher left without a behaviour (or all,
    ``--llm-rules all``); its entries carry ``llm: {model, prompt, reason}``.
    """
    import yaml

    from evals.errors import ConfigError, PersonaError
    from evals.persona import load_persona, sidecar_path
    from evals.persona._mapfile import append_entries, mapping_entries, unclaimed

    persona = load_persona(ref)
    if write and persona.rev is not None:
        raise PersonaError("cannot --write a sidecar at a git revision", path=ref)
    entries = mapping_entries(persona)
    if mapper is Mapper.llm:
        if not judge:
            raise ConfigError(
                "--mapper llm needs --judge provider/model (e.g. anthropic/claude-haiku-4-5)",
                field="--judge",
            )
        ask = [
            r
            for r in unclaimed(persona)
            if llm_rules is LLMRules.all or r.mapping in ("judge", "unmeasured")
        ]
        llm = _llm_entries(persona, ask, judge, cache_dir)
        asked = {e["id"] for e in llm}
        entries = [e for e in entries if e["id"] not in asked] + llm
        order = {r.id: i for i, r in enumerate(persona.rules)}
        entries.sort(key=lambda e: order[e["id"]])
    left = sum(1 for r in persona.rules if r.claimed and r.mapping not in ("sidecar", "llm"))
    if left:
        typer.echo(
            f"{left} rule(s) have a sidecar entry that sets no graders: left as they are",
            err=True,
        )
    if not entries:
        typer.echo(f"every rule of {persona.ref} is already mapped in its sidecar")
        return
    if write:
        side = sidecar_path(persona.path)
        append_entries(side, entries)
        typer.echo(f"wrote {len(entries)} entries to {side}")
    else:
        typer.echo(yaml.safe_dump({"rules": entries}, allow_unicode=True, sort_keys=False))


def _llm_entries(
    persona: Persona, rules: list[Rule], judge: str, cache_dir: Path | None
) -> list[dict[str, Any]]:
    """Ask ``judge`` about ``rules``; one stderr line says how many were asked and cached."""
    import asyncio

    from evals.persona._llmmap import DecisionCache, map_with_llm
    from evals.persona._mapfile import llm_entries
    from evals.providers import get_provider
    from graders.behaviours import measures

    if not rules:
        return []
    table = measures()
    provider = get_provider(judge)

    async def ask() -> list[Any]:
        try:
            return await map_with_llm(rules, provider, judge, table, cache=DecisionCache(cache_dir))
        finally:
            await provider.aclose()

    decisions = asyncio.run(ask())
    cached = sum(d.cached for d in decisions)
    typer.echo(
        f"llm mapper {judge}: {len(decisions)} rules ({cached} from the cache); "
        "review the entries marked llm:",
        err=True,
    )
    return llm_entries(persona, decisions, table)


@persona_app.command("diff")
def diff(
    a: RefArg,
    b: RefArg,
    fmt: Annotated[
        DiffFormat, typer.Option("--format", help="table, json or markdown.")
    ] = DiffFormat.table,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 if any rule differs (like git diff).")
    ] = False,
) -> None:
    """Rules added, removed and changed from A to B (matched by rule id)."""
    from evals.persona import diff_personas, load_persona

    result = diff_personas(load_persona(a), load_persona(b))
    if fmt is DiffFormat.json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    elif fmt is DiffFormat.markdown:
        typer.echo(result.to_markdown(), nl=False)
    else:
        _print_diff(result)
    if exit_code and not result.empty:
        raise typer.Exit(1)


def _print_rules(persona: Persona) -> None:
    from rich.console import Console
    from rich.text import Text

    out = Console(highlight=False)
    sidecar = str(persona.sidecar) if persona.sidecar else "none"
    out.print(
        Text.assemble(
            (persona.name, "bold"),
            f"  {persona.ref}  sha256 {persona.sha256[:12]}  sidecar: {sidecar}",
        )
    )
    out.print(_rules_table(persona, wide=out.width >= _WIDE))
    unmeasured = persona.unmeasured()
    measured = len(persona.rules) - len(unmeasured)
    out.print(
        f"{len(persona.rules)} rules, {measured} measured, {len(unmeasured)} unmeasured"
        f" ({persona.coverage():.0%} coverage)"
    )
    if unmeasured:
        out.print(
            Text(
                "unmeasured: "
                + ", ".join(r.id for r in unmeasured)
                + f" (map them to graders in {persona.path.stem}.rules.yaml)",
                style="red",
            )
        )


def _rules_table(persona: Persona, *, wide: bool) -> Table:
    """Columns id, section, text, graders, coverage; narrow consoles stack text under id."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    # Ids, grader names and the coverage flag never wrap: they are looked up and grepped.
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    id_width = max(len(r.id) for r in persona.rules)
    table.add_column(
        "id" if wide else "id / text", no_wrap=wide, min_width=id_width, ratio=None if wide else 1
    )
    table.add_column("section", max_width=16 if wide else 11)
    if wide:
        table.add_column("text", ratio=1)
    table.add_column("graders", no_wrap=True)
    table.add_column("coverage", no_wrap=True)
    for rule in persona.rules:
        coverage = (
            Text("✔ measured", style="green")
            if rule.graders
            else Text("UNMEASURED", style="bold red")
        )
        graders = Text("\n".join(rule.graders) or "unmeasured")
        if rule.mapping not in ("sidecar", "unmeasured"):
            graders.append(f"\n(by {rule.mapping})", style="dim")
        if wide:
            table.add_row(Text(rule.id), Text(rule.section), Text(rule.text), graders, coverage)
        else:
            cell = Text.assemble((rule.id, "bold"), "\n", (rule.text, "dim"))
            table.add_row(cell, Text(rule.section), graders, coverage)
    return table


def _print_diff(result: PersonaDiff) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from evals.persona import changed_fields

    out = Console(highlight=False)
    out.print(Text(f"{result.a_ref} → {result.b_ref}", style="bold"))
    if result.empty:
        out.print(f"no rule changes ({result.unchanged} unchanged)")
        return
    rows = [
        *((Text("+ added", "green"), r.id, r.section, Text(r.text)) for r in result.added),
        *((Text("- removed", "red"), r.id, r.section, Text(r.text)) for r in result.removed),
    ]
    for old, new in result.changed:
        detail = "\n".join(
            f"{name}: {_value(getattr(old, name))} → {_value(getattr(new, name))}"
            for name in changed_fields(old, new)
        )
        rows.append((Text("~ changed", "yellow"), new.id, new.section, Text(detail)))
    for old, new, score in result.reworded:
        why = "sidecar reworded_from" if score is None else f"similarity {score:.2f}"
        detail = f"probably the same rule, reworded ({why}); was {old.id}\n"
        rows.append(
            (
                Text("≈ reworded", "cyan"),
                new.id,
                new.section,
                Text(f"{detail}{_value(old.text)} → {_value(new.text)}"),
            )
        )
    for name, (before, after) in result.meta.items():
        rows.append(
            (Text("~ frontmatter", "yellow"), name, "", Text(f"{_value(before)} → {_value(after)}"))
        )
    if result.prose:
        rows.append(
            (Text("~ prose", "yellow"), "(outside rules)", "", Text("\n".join(result.prose)))
        )
    if rows:
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("change", no_wrap=True)
        table.add_column("id", no_wrap=True, min_width=max(len(str(row[1])) for row in rows))
        table.add_column("section")
        table.add_column("detail", ratio=1, overflow="fold")
        for row in rows:
            table.add_row(*row)
        out.print(table)
    out.print(result.summary())


def _value(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    return "none" if value is None else repr(" ".join(str(value).split()))
