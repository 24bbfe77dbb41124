"""An external package adds a provider, a grader and a sandbox through entry points alone.

The package is a real distribution on ``sys.path`` (a ``.dist-info`` folder with its own
``entry_points.txt``), found by :mod:`importlib.metadata` exactly as an installed plugin
is; nothing in persona-evals names it. A run through the real pipeline then uses all three.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from evals.errors import GraderError, ProviderError, SandboxError
from evals.providers import PROVIDERS, get_provider, provider_kinds
from evals.runner import RunConfig, Runner, read_manifest, read_samples
from evals.sandbox import SANDBOXES, get_sandbox
from graders import GRADERS, get_grader, grader_names

ROOT = Path(__file__).resolve().parents[1]

PLUGIN = '''
"""A third-party plugin for persona-evals: one provider, one grader, one sandbox."""

import json
import os
from pathlib import Path

from evals.providers import BaseProvider, ProviderResponse
from evals.sandbox import BaseSandbox, Limits, ProcessSandbox
from graders import StaticGrader

LOG = Path(os.environ["PE_PLUGIN_LOG"])


def _log(event, **data):
    with LOG.open("a") as fh:
        fh.write(json.dumps({"event": event, **data}) + "\\n")


class EchoProvider(BaseProvider):
    """Answers with the task's gold files, as a model would: fenced blocks."""

    offline = True

    async def generate(self, request):
        blocks = [f"```python file={p}\\n{t}```" for p, t in request.task.solution.items()]
        _log("generate", task=request.task.id)
        return ProviderResponse(text="Here it is.\\n\\n" + "\\n\\n".join(blocks))


def create_echo(model, **options):
    return EchoProvider(f"echo/{model}")


def create_broken(model, **options):
    return object()


class LineBudgetGrader(StaticGrader):
    """Fails a sample whose longest file exceeds ``max_lines`` (option; default 40)."""

    name = "line_budget"
    default_rules = ("principle-readability",)
    scope = "all"

    def check(self, ctx):
        limit = int(ctx.options.get("max_lines", 40))
        longest = max((len(t.splitlines()), p) for p, t in ctx.files.items())
        verdict = "pass" if longest[0] <= limit else "fail"
        return [self.make_grade(ctx, verdict, reason=f"{longest[1]}: {longest[0]} lines")]


class NotAGrader:
    pass


class RecordingSandbox(BaseSandbox):
    """The process sandbox, with every call written to a log."""

    name = "recording"
    isolated = False

    def __init__(self, runtime=None, workers=None):
        self.inner = ProcessSandbox(runtime=runtime, workers=workers)

    def run(self, argv, files, limits=Limits(), *, env=None):
        _log("run", argv=list(argv))
        return self.inner.run(argv, files, limits, env=env)

    def run_pytest(
        self, files, targets, limits=Limits(), *, hidden=None, plugins=(), env=None, preload=()
    ):
        _log("run_pytest", targets=list(targets))
        return self.inner.run_pytest(
            files, targets, limits, hidden=hidden, plugins=plugins, env=env, preload=preload
        )

    def close(self):
        _log("close")
        self.inner.close()
'''

ENTRY_POINTS = """
[persona_evals.providers]
echo = pe_plugin_demo:create_echo
broken = pe_plugin_demo:create_broken

[persona_evals.graders]
line_budget = pe_plugin_demo:LineBudgetGrader
not_a_grader = pe_plugin_demo:NotAGrader

[persona_evals.sandboxes]
recording = pe_plugin_demo:RecordingSandbox
"""


def _rescan() -> None:
    for registry in (PROVIDERS, GRADERS, SANDBOXES):
        registry.rescan()


@pytest.fixture()
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Install ``pe-plugin-demo`` into a temp site dir on ``sys.path``; yield its call log."""
    site = tmp_path / "site"
    (site / "pe_plugin_demo").mkdir(parents=True)
    (site / "pe_plugin_demo" / "__init__.py").write_text(PLUGIN.lstrip())
    info = site / "pe_plugin_demo-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: pe-plugin-demo\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(ENTRY_POINTS.lstrip())
    log = tmp_path / "plugin.log"
    monkeypatch.setenv("PE_PLUGIN_LOG", str(log))
    monkeypatch.syspath_prepend(str(site))
    _rescan()
    yield log
    monkeypatch.undo()
    sys.modules.pop("pe_plugin_demo", None)
    _rescan()


def _persona(tmp_path: Path) -> Path:
    """The shipped persona, with readability measured by the plugin's grader."""
    persona = tmp_path / "persona.md"
    persona.write_text((ROOT / "personas" / "backend-engineer.md").read_text())
    sidecar = (ROOT / "personas" / "backend-engineer.rules.yaml").read_text()
    head, sep, tail = sidecar.partition("- id: principle-readability")
    assert sep, "the shipped sidecar has no principle-readability entry"
    tail = tail.replace("graders: [judge]", "graders: [line_budget]", 1)
    (tmp_path / "persona.rules.yaml").write_text(head + sep + tail)
    return persona


def test_registries_list_the_plugin_by_its_distribution(plugin: Path) -> None:
    assert "echo" in provider_kinds() and "line_budget" in grader_names()
    assert "recording" in SANDBOXES.names()
    assert PROVIDERS.origin("echo") == GRADERS.origin("line_budget") == "pe-plugin-demo"
    assert SANDBOXES.origin("recording") == "pe-plugin-demo"
    assert PROVIDERS.origin("oracle") == "persona-evals"  # built-ins: the same registry
    assert get_provider("echo/any").name == "echo/any"
    assert get_grader("line_budget").scope == "all"


def test_objects_that_break_the_contracts_are_one_line_errors(plugin: Path) -> None:
    with pytest.raises(ProviderError, match=r"'broken' \(pe-plugin-demo\) built a object"):
        get_provider("broken/x")
    with pytest.raises(GraderError, match="'not_a_grader' .* lacks Grader members"):
        get_grader("not_a_grader")
    with pytest.raises(SandboxError, match="unknown sandbox 'nope'; use one of auto, bwrap"):
        get_sandbox("nope")


def test_without_the_plugin_its_names_are_unknown() -> None:
    _rescan()
    assert "echo" not in provider_kinds()
    with pytest.raises(ProviderError, match="unknown provider 'echo'"):
        get_provider("echo/x")


def test_a_run_uses_the_plugin_provider_grader_and_sandbox(plugin: Path, tmp_path: Path) -> None:
    config = RunConfig.model_validate(
        {
            "suite": str(ROOT / "tests" / "fixtures" / "suite"),
            "personas": [str(_persona(tmp_path))],
            "models": ["echo/demo"],
            "sandbox": "recording",
            "report": False,
            "pressure": False,
            "grader_options": {"line_budget": {"max_lines": 5}},
        }
    )
    run_dir = tmp_path / "run"
    result = asyncio.run(Runner(config, run_dir).run())
    assert result.planned == result.done == 1 and result.infra_errors == 0
    manifest = read_manifest(run_dir)
    assert manifest.sandbox == "recording" and manifest.isolated is False
    assert "line_budget" in manifest.graders
    (sample,) = read_samples(run_dir)
    assert sample.model == "echo/demo" and sample.cost_usd == 0.0
    grades = {g.grader: g for g in sample.grades}
    # calc.py is 12 lines: over the 5-line budget the option set.
    assert grades["line_budget"].verdict == "fail"
    assert grades["line_budget"].rule_ids == ["principle-readability"]
    assert grades["line_budget"].reason == "calc.py: 12 lines"
    assert grades["tests_pass"].verdict == "pass"  # the hidden tests ran in the plugin sandbox
    events = [json.loads(line)["event"] for line in plugin.read_text().splitlines()]
    assert events.count("generate") == 1 and "run_pytest" in events and events[-1] == "close"
