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


def register(app: typer.Typer) -> None:
    """Add ``evals bench ray`` to the bench group."""
    app.command("ray")(bench_ray_cmd)


def bench_ray_cmd(
    suite: Annotated[str, typer.Option(help="Suite of the plan.")] = "tasks",
    persona: Annotated[str, typer.Option(help="Persona file.")] = "personas/backend-engineer.md",
    epochs: Annotated[
        list[int] | None,
        typer.Option(
            help="Epochs of a plan (repeat for more plans; two sizes split fixed/per-sample "
            "cost). Default: the suite's own, i.e. the quickstart plan."
        ),
    ] = None,
    nodes: Annotated[int, typer.Option(help="Ray nodes (head + workers).")] = 2,
    cpus_per_node: Annotated[int, typer.Option(help="CPUs (sample slots) per node.")] = 1,
    repeats: Annotated[
        int, typer.Option(help="Runs of each executor per plan, interleaved (2: ABBA order).")
    ] = 1,
    address: Annotated[
        str | None,
        typer.Option(
            help="An existing cluster (host:port) of --nodes x --cpus-per-node slots: no "
            "start-up, no CPU figures."
        ),
    ] = None,
    service_time: Annotated[
        float, typer.Option(help="Simulated seconds per sample for the curve (agent mode).")
    ] = 120.0,
    ceiling_epochs: Annotated[int, typer.Option(help="Epochs of the driver-ceiling plan.")] = 20,
) -> None:
    """Print throughput local vs Ray on the same plan, start-up apart, and the curve."""
    from evals.executors.bench import bench_ray
    from evals.executors.local_cluster import cluster_unavailable

    plans: list[int | None] = [*sorted(set(epochs))] if epochs else [None]
    counts = [p for p in plans if p is not None]
    if min(*counts, nodes, cpus_per_node, repeats, ceiling_epochs) < 1 or service_time <= 0:
        raise ConfigError("--epochs, --nodes, --cpus-per-node, --repeats must be >= 1")
    reason = None if address else cluster_unavailable()
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
        address=address,
    )
    typer.echo(f"load average  before {r.load_before}")
    where = f"existing cluster {address}" if address else "local cluster on 127.0.0.1"
    typer.echo(
        f"cluster       {r.nodes} nodes x {cpus_per_node} CPU, {where}: start-up "
        f"{r.cluster_start_s:.1f}s, paid once (in no run below)"
    )
    typer.echo(
        f"plan          {suite}, oracle gold + flawed, "
        f"epochs {'(the suite' + chr(39) + 's)' if epochs is None else plans}: samples "
        f"{r.sizes()}; a run = one `evals run` process, launch to exit"
    )
    for i, run in enumerate(r.runs):
        typer.echo(
            f"run {i + 1:<3}       {run.samples:4d} samples {run.executor:5} {run.wall_s:6.1f}s "
            f"({run.samples / run.wall_s:5.2f}/s){_cpu(run.cpu)}  load {run.load}"
            f"{_legs(run.legs)}"
        )
    _ratios(r, repeats)
    typer.echo(f"grades        {'identical' if r.identical else 'DIFFERENT'} local vs ray")
    _curves(r, cpus_per_node, service_time)
    typer.echo(f"load average  after  {r.load_after}")
    if not r.identical:
        raise typer.Exit(1)


def _cpu(cpu: dict[str, float]) -> str:
    if not cpu:
        return ""
    parts = " + ".join(f"{name} {s:.1f}" for name, s in cpu.items())
    return f"  cpu {sum(cpu.values()):6.1f}s" + (f" ({parts})" if len(cpu) > 1 else "")


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
        local, ray = r.median("local", n), r.median("ray", n)
        ratio = ray / local
        verdict = "within" if ratio <= TARGET_RATIO else "OVER"
        typer.echo(
            f"throughput {n:4d} local {n / local:.2f}/s, ray {n / ray:.2f}/s: ray/local wall "
            f"{ratio:.2f}x (medians {ray:.1f}s / {local:.1f}s of {repeats} interleaved "
            f"run(s) each): {verdict} the {TARGET_RATIO}x target"
        )
        cpu_local, cpu_ray = r.cpu_median("local", n), r.cpu_median("ray", n)
        if cpu_local is not None and cpu_ray is not None:
            typer.echo(
                f"cpu        {n:4d} local {cpu_local / n:.2f}s, ray {cpu_ray / n:.2f}s per "
                f"sample: ray/local {cpu_ray / cpu_local:.2f}x (kernel cpuacct, every process "
                "of the run; depends little on load)"
            )
        if r.cluster_start_s:
            with_start = ray + r.cluster_start_s
            typer.echo(
                f"with start  {n:4d} ray {with_start:.1f}s incl. the cluster's start-up vs local "
                f"{local:.1f}s: {with_start / local:.2f}x (a cluster started for this one plan)"
            )
    if r.cpu_unavailable:
        typer.echo(f"cpu           not measured: {r.cpu_unavailable}")
    elif r.cluster_idle_cpu is not None:
        typer.echo(
            f"cpu           the idle cluster used {r.cluster_idle_cpu:.2f} CPU-s per second "
            "during the local runs (in neither side's figure)"
        )
    local_fit, ray_fit = r.fit("local"), r.fit("ray")
    if local_fit is None or ray_fit is None:
        return
    for name, fit in (("local", local_fit), ("ray", ray_fit)):
        typer.echo(
            f"fit {name:5}     wall = {fit.fixed_s:.2f}s fixed + {fit.per_sample_s:.3f}s x samples"
        )
    even = r.break_even(TARGET_RATIO)
    typer.echo(
        f"per sample    ray/local {ray_fit.per_sample_s / local_fit.per_sample_s:.2f}x "
        "(the ratio a long plan tends to); "
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
