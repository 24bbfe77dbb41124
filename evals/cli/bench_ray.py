"""``evals bench ray``: local executor vs a local 2-node Ray cluster, and the scaling curve."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from evals.errors import ConfigError

if TYPE_CHECKING:
    from evals.executors.bench import RayBench

__all__ = ["register"]

#: From issue #16: on one machine Ray must not be more than 1.2x slower than local.
TARGET_RATIO = 1.2
_CURVE_NODES = (1, 2, 4, 8, 16, 32, 64, 128, 256)
#: Two plan sizes (x 4 samples on the fixture suite): a short plan and a longer one.
_EPOCHS = (4, 32)


def register(app: typer.Typer) -> None:
    """Add ``evals bench ray`` to the bench group."""
    app.command("ray")(bench_ray_cmd)


def bench_ray_cmd(
    suite: Annotated[str, typer.Option(help="Suite of the plan.")] = "tests/fixtures/suite",
    persona: Annotated[str, typer.Option(help="Persona file.")] = "personas/backend-engineer.md",
    epochs: Annotated[
        list[int] | None,
        typer.Option(help="Epochs of each plan (repeat; two sizes split fixed/per-sample)."),
    ] = None,
    nodes: Annotated[int, typer.Option(help="Ray nodes (head + workers).")] = 2,
    cpus_per_node: Annotated[int, typer.Option(help="CPUs (sample slots) per node.")] = 1,
    repeats: Annotated[int, typer.Option(help="Interleaved runs of each executor.")] = 3,
    service_time: Annotated[
        float, typer.Option(help="Simulated seconds per sample for the curve (agent mode).")
    ] = 120.0,
    ceiling_epochs: Annotated[int, typer.Option(help="Epochs of the driver-ceiling plan.")] = 100,
) -> None:
    """Print throughput local vs Ray on the same plans, the driver ceiling, the curve."""
    from evals.executors.bench import bench_ray
    from evals.executors.local_cluster import cluster_unavailable

    plans = sorted(set(epochs or _EPOCHS))
    if min(*plans, nodes, cpus_per_node, repeats, ceiling_epochs) < 1 or service_time <= 0:
        raise ConfigError("--epochs, --nodes, --cpus-per-node, --repeats must be >= 1")
    reason = cluster_unavailable()
    if reason:
        raise ConfigError(f"cannot start a local Ray cluster: {reason}")
    r = bench_ray(
        suite=suite,
        persona=persona,
        epochs=plans,
        nodes=nodes,
        cpus_per_node=cpus_per_node,
        repeats=repeats,
        ceiling_epochs=ceiling_epochs,
    )
    typer.echo(f"load average  before {r.load_before}")
    typer.echo(
        f"cluster       {r.nodes} nodes x {cpus_per_node} CPU on 127.0.0.1, started in "
        f"{r.cluster_start_s:.1f}s (not timed below)"
    )
    typer.echo(f"plans         {suite}, oracle gold + flawed, epochs {plans}: samples {r.sizes()}")
    for i, run in enumerate(r.runs):
        typer.echo(
            f"run {i + 1:<3}       {run.samples:4d} samples {run.executor:5} {run.wall_s:6.1f}s "
            f"({run.samples / run.wall_s:5.2f}/s)  load {run.load}{_legs(run.legs)}"
        )
    _ratios(r, repeats)
    typer.echo(f"grades        {'identical' if r.identical else 'DIFFERENT'} local vs ray")
    _curves(r, cpus_per_node, service_time)
    typer.echo(f"load average  after  {r.load_after}")
    if not r.identical:
        raise typer.Exit(1)


def _legs(legs: dict[str, float]) -> str:
    if not legs:
        return ""
    return (
        f"  [driver start {legs['driver_start']:.2f}s, runners ready {legs['runner_ready']:.2f}s;"
        f" per sample queue {legs['queue']:.2f} gen {legs['gen_s']:.2f} grade "
        f"{legs['grade_s']:.2f} return {legs['return']:.2f}; exit {legs['driver_exit']:.2f}s]"
    )


def _ratios(r: RayBench, repeats: int) -> None:
    for n in r.sizes():
        ratio = r.ratio(n)
        verdict = "within" if ratio <= TARGET_RATIO else "OVER"
        typer.echo(
            f"ratio {n:4d}    ray/local {ratio:.2f}x (medians {r.median('ray', n):.1f}s / "
            f"{r.median('local', n):.1f}s of {repeats} interleaved runs): {verdict} the "
            f"{TARGET_RATIO}x target"
        )
    local, ray = r.fit("local"), r.fit("ray")
    if local is None or ray is None:
        return
    for name, fit in (("local", local), ("ray", ray)):
        typer.echo(
            f"fit {name:5}     wall = {fit.fixed_s:.2f}s fixed + {fit.per_sample_s:.3f}s x samples"
        )
    even = r.break_even(TARGET_RATIO)
    typer.echo(
        f"per sample    ray/local {ray.per_sample_s / local.per_sample_s:.2f}x (the ratio a long "
        "plan tends to); "
        + (
            f"within {TARGET_RATIO}x from ~{even:.0f} samples"
            if even is not None
            else f"never within {TARGET_RATIO}x"
        )
    )


def _curves(r: RayBench, cpus_per_node: int, service_time: float) -> None:
    from evals.executors.bench import curve

    typer.echo(
        f"driver        ceiling {r.ceiling_per_s:.0f} samples/s (null runners; each sample "
        "appended + fsync'd by the driver)"
    )
    typer.echo(
        "model         samples/s = min(nodes x slots / S, driver ceiling); S = seconds a "
        "sample holds a slot"
    )
    for label, s in (("measured", r.service_s), ("simulated", service_time)):
        typer.echo(f"curve ({label}: S={s:.2f}s per sample, {cpus_per_node} slot(s)/node)")
        for k, per_s, bound in curve(s, cpus_per_node, r.ceiling_per_s, _CURVE_NODES):
            typer.echo(
                f"  {k:4d} nodes  {per_s:9.2f} samples/s  {per_s * 3600:11.0f}/hour"
                f"  ({bound}-bound)"
            )
