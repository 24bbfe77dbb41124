"""``evals bench ray``: local executor vs a local 2-node Ray cluster, and the scaling curve."""

from __future__ import annotations

from typing import Annotated

import typer

from evals.errors import ConfigError

__all__ = ["register"]

#: From issue #16: on one machine Ray must not be more than 1.2x slower than local.
TARGET_RATIO = 1.2
_CURVE_NODES = (1, 2, 4, 8, 16, 32, 64, 128, 256)


def register(app: typer.Typer) -> None:
    """Add ``evals bench ray`` to the bench group."""
    app.command("ray")(bench_ray_cmd)


def bench_ray_cmd(
    suite: Annotated[str, typer.Option(help="Suite of the plan.")] = "tests/fixtures/suite",
    persona: Annotated[str, typer.Option(help="Persona file.")] = "personas/backend-engineer.md",
    epochs: Annotated[int, typer.Option(help="Epochs (plan size = samples x epochs).")] = 4,
    nodes: Annotated[int, typer.Option(help="Ray nodes (head + workers).")] = 2,
    cpus_per_node: Annotated[int, typer.Option(help="CPUs (sample slots) per node.")] = 1,
    repeats: Annotated[int, typer.Option(help="Alternating local/ray runs.")] = 2,
    service_time: Annotated[
        float, typer.Option(help="Simulated seconds per sample for the curve (agent mode).")
    ] = 120.0,
    ceiling_epochs: Annotated[int, typer.Option(help="Epochs of the driver-ceiling plan.")] = 100,
) -> None:
    """Print throughput local vs Ray on the same plan, the driver ceiling, the curve."""
    from evals.executors.bench import bench_ray, curve
    from evals.executors.local_cluster import cluster_unavailable

    if min(epochs, nodes, cpus_per_node, repeats, ceiling_epochs) < 1 or service_time <= 0:
        raise ConfigError("--epochs, --nodes, --cpus-per-node, --repeats must be >= 1")
    reason = cluster_unavailable()
    if reason:
        raise ConfigError(f"cannot start a local Ray cluster: {reason}")
    r = bench_ray(
        suite=suite,
        persona=persona,
        epochs=epochs,
        nodes=nodes,
        cpus_per_node=cpus_per_node,
        repeats=repeats,
        ceiling_epochs=ceiling_epochs,
    )
    typer.echo(f"load average  before {r.load_before}")
    typer.echo(
        f"plan          {r.samples} samples ({suite}, oracle gold + flawed, {epochs} epochs)"
    )
    typer.echo(
        f"cluster       {r.nodes} nodes x {cpus_per_node} CPU on 127.0.0.1, started in "
        f"{r.cluster_start_s:.1f}s (not timed below)"
    )
    for i, (loc, ray_s) in enumerate(zip(r.local_s, r.ray_s, strict=True)):
        typer.echo(
            f"run {i + 1}         local {loc:6.1f}s ({r.samples / loc:.2f} samples/s)   "
            f"ray {ray_s:6.1f}s ({r.samples / ray_s:.2f} samples/s)   "
            f"ray/local {ray_s / loc:.2f}x"
        )
    verdict = "within" if r.ratio <= TARGET_RATIO else "OVER"
    typer.echo(
        f"ratio         ray/local {r.ratio:.2f}x (best of each): {verdict} the "
        f"{TARGET_RATIO}x target"
    )
    typer.echo(f"grades        {'identical' if r.identical else 'DIFFERENT'} local vs ray")
    typer.echo(
        f"driver        ceiling {r.ceiling_per_s:.0f} samples/s (null tasks, each "
        "appended + fsync'd by the driver)"
    )
    for label, s in (("measured", r.service_s), ("simulated", service_time)):
        typer.echo(f"curve ({label}: {s:.2f}s per sample per slot, {cpus_per_node} slot(s)/node)")
        for k, per_s, bound in curve(s, cpus_per_node, r.ceiling_per_s, _CURVE_NODES):
            typer.echo(
                f"  {k:4d} nodes  {per_s:9.2f} samples/s  {per_s * 3600:11.0f}/hour"
                f"  ({bound}-bound)"
            )
    typer.echo(f"load average  after  {r.load_after}")
    if not r.identical:
        raise typer.Exit(1)
