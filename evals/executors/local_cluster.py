"""A real multi-node Ray cluster on this machine, for tests and ``evals bench ray``.

Ray turns ``--node-ip-address 127.0.0.1`` into the host's routable address and binds its
servers on every interface. To keep every byte on loopback, the cluster and its drivers
live in a private network namespace that has nothing but ``lo``
(:class:`LoopbackNamespace`, Linux, root). Each node is one ``ray start --block`` process
in a session of its own, with bounded CPUs and memory, dashboard and usage stats off.
Killing every process of that session is "losing the node"; :meth:`LocalRayCluster.close`
ends only the processes it started, each by its pid.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from evals.errors import ConfigError
from evals.executors.ray_executor import LEAN_RAY_ENV

__all__ = ["LocalRayCluster", "LoopbackNamespace", "Node", "cluster_unavailable"]

HEAD_PORT = 6379  # free by construction: the namespace has its own port space
# LEAN_RAY_ENV: Ray's workers skip importing pyarrow for serializers samples never use.
_RAY_ENV = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_DISABLE_DOCKER_CPU_WARNING": "1", **LEAN_RAY_ENV}
_HOLDER = """
import fcntl, signal, socket, struct, sys
SIOCSIFFLAGS, IFF_UP, IFF_LOOPBACK, IFF_RUNNING = 0x8914, 0x1, 0x8, 0x40
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", IFF_UP | IFF_LOOPBACK | IFF_RUNNING))
print("ready", flush=True)
signal.pause()
"""


def cluster_unavailable() -> str | None:
    """Why a local cluster cannot start here (None when it can)."""
    try:
        import ray  # noqa: F401
    except ImportError:
        return "ray is not installed: pip install 'persona-evals[ray]'"
    if sys.platform != "linux":
        return "the loopback-only namespace needs Linux"
    if os.geteuid() != 0:
        return "creating a network namespace needs root (unshare --net)"
    missing = [tool for tool in ("unshare", "nsenter") if shutil.which(tool) is None]
    if missing:
        return f"{' and '.join(missing)} not found (util-linux)"
    return None


class LoopbackNamespace:
    """A network namespace with only loopback, held open by one sleeping process."""

    def __init__(self) -> None:
        self._holder: subprocess.Popen[str] | None = None

    def __enter__(self) -> LoopbackNamespace:
        self._holder = subprocess.Popen(
            ["unshare", "--net", "--", sys.executable, "-c", _HOLDER],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._holder.stdout is not None
        if self._holder.stdout.readline().strip() != "ready":
            self.close()
            raise ConfigError("could not create a loopback-only network namespace (root?)")
        return self

    @property
    def entered(self) -> bool:
        return self._holder is not None

    def wrap(self, argv: Sequence[str]) -> list[str]:
        """``argv`` run inside this namespace."""
        assert self._holder is not None, "namespace not entered"
        return ["nsenter", f"--net=/proc/{self._holder.pid}/ns/net", "--", *argv]

    def close(self) -> None:
        """End the holder process (the namespace goes when its last process does)."""
        if self._holder is not None and self._holder.poll() is None:
            self._holder.kill()
            self._holder.wait(timeout=10)
        self._holder = None

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class Node:
    """One Ray node: a ``ray start --block`` process and its session."""

    name: str
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def sid(self) -> int:
        # start_new_session: the node's processes all stay in its session (Ray's task
        # workers take process groups of their own, so the group is not enough).
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def pids(self) -> list[int]:
        """Every live process of this node (raylet, agents, Ray workers)."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.getsid(int(entry.name)) == self.sid:
                        found.append(int(entry.name))
                except OSError:
                    continue
        return found

    def signal(self, sig: int) -> None:
        """Send ``sig`` to every process of this node, one by one, by pid."""
        for pid in self.pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)

    def running_tasks(self, prefix: str) -> list[str]:
        """Names of the Ray tasks this node is executing now whose name starts ``prefix``."""
        names = []
        for pid in self.pids():
            try:
                title = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
            except (OSError, UnicodeDecodeError):
                continue
            if title.startswith(f"ray::{prefix}"):
                names.append(title.removeprefix("ray::"))
        return names


class LocalRayCluster:
    """A head node plus ``workers`` worker nodes, all on 127.0.0.1 in a private namespace.

    Example::

        with LocalRayCluster(workers=1, cpus_per_node=1) as cluster:
            subprocess.run(cluster.wrap(["evals", "run", "--executor", "ray",
                                         "--address", cluster.address]))
            cluster.kill(cluster.nodes[1])  # lose a worker node
    """

    def __init__(
        self,
        *,
        workers: int = 1,
        cpus_per_node: float = 1,
        memory_mb: int = 2048,
        object_store_mb: int = 128,
        env: Mapping[str, str] | None = None,
        start_timeout_s: float = 120.0,
        worker_niceness: int = 0,
    ) -> None:
        self.workers = workers
        self.cpus = cpus_per_node
        self.memory_mb = memory_mb
        self.object_store_mb = object_store_mb
        # Ray runs its task workers at nice 15 by default (so its own daemons stay
        # responsive on a dedicated node). Sharing one machine with a local run, that
        # would hand the local run the CPU whenever anything else is busy: the cluster
        # here runs its workers at the local run's priority, unless told otherwise.
        self.env = {
            **(env if env is not None else os.environ),
            **_RAY_ENV,
            "RAY_worker_niceness": str(worker_niceness),
        }
        self.timeout = start_timeout_s
        self.netns = LoopbackNamespace()
        self.nodes: list[Node] = []
        self.temp_dir = Path(tempfile.mkdtemp(prefix="pe-ray-"))  # short: socket paths
        self.address = f"127.0.0.1:{HEAD_PORT}"

    def wrap(self, argv: Sequence[str]) -> list[str]:
        """``argv`` run where it can reach the cluster (inside its namespace)."""
        return self.netns.wrap(argv)

    def _start(self, name: str, args: list[str]) -> Node:
        ray_bin = str(Path(sys.executable).with_name("ray"))
        log = self.temp_dir / f"{name}.log"
        argv = [
            ray_bin,
            "start",
            "--block",
            "--num-cpus",
            str(self.cpus),
            "--memory",
            str(self.memory_mb * 1024 * 1024),
            "--object-store-memory",
            str(self.object_store_mb * 1024 * 1024),
            "--disable-usage-stats",
            *args,
        ]
        with log.open("wb") as out:
            proc = subprocess.Popen(
                self.wrap(argv),
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.env,
                start_new_session=True,
            )
        node = Node(name, proc, log)
        self.nodes.append(node)
        deadline = time.monotonic() + self.timeout
        while b"Ray runtime started" not in log.read_bytes():
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-600:]
                raise ConfigError(f"ray node {name} did not start: {tail}")
            time.sleep(0.3)
        return node

    def open(self) -> LocalRayCluster:
        """Create the namespace only (to start helpers in it before the nodes)."""
        if not self.netns.entered:
            self.netns.__enter__()
        return self

    def add_worker(self) -> Node:
        """Start one more worker node (e.g. to replace a killed one)."""
        return self._start(f"worker{len(self.nodes)}", ["--address", self.address])

    def start(self) -> LocalRayCluster:
        """Start the head, then the worker nodes; returns when all have registered."""
        self.open()
        try:
            self._start(
                "head",
                [
                    "--head",
                    "--node-ip-address",
                    "127.0.0.1",
                    "--port",
                    str(HEAD_PORT),
                    "--include-dashboard=false",
                    "--temp-dir",
                    str(self.temp_dir),
                ],
            )
            for _ in range(self.workers):
                self.add_worker()
        except BaseException:
            self.close()
            raise
        return self

    def kill(self, node: Node) -> None:
        """Lose ``node`` at once: SIGKILL each of its processes (raylet and workers)."""
        node.signal(signal.SIGKILL)
        node.proc.wait(timeout=30)

    def close(self) -> None:
        """Stop every node this object started (by pid), then the namespace."""
        for node in reversed(self.nodes):
            if node.alive():
                node.proc.terminate()  # `ray start --block` stops its node's processes
                with contextlib.suppress(subprocess.TimeoutExpired):
                    node.proc.wait(timeout=20)
            node.signal(signal.SIGKILL)  # stragglers of the node's session
            if node.proc.poll() is None:
                node.proc.wait(timeout=10)
        self.nodes.clear()
        self.netns.close()
        shutil.rmtree(self.temp_dir, ignore_errors=True)

    def __enter__(self) -> LocalRayCluster:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
