"""Inside the agent jail: confine this process, then start the agent (behind a relay).

``python relay.py --helpers DIR --file-size-mb N --open-files N [--uid U] [--socket SOCK]
-- PROGRAM ARGS...``

1. Confine: with ``--uid`` (the harness is root; bwrap left this process only
   ``CAP_SETUID``/``CAP_SETGID``), drop to uid and gid U with no supplementary groups and
   check that no capability is left (else exit 126); then ``no_new_privs``, rlimits
   (file size, open files, no core dumps), and the grading sandbox's seccomp filter
   (``DIR/_pe_sys.py``: no new namespaces, mounts, ptrace, bpf, ...). Everything
   started from here on inherits all of it.
2. Without ``--socket``: exec PROGRAM (a tool command of the built-in loop; no network).
3. With ``--socket``: listen on an ephemeral 127.0.0.1 port of the jail's own (otherwise
   empty) network namespace, start PROGRAM with ``ANTHROPIC_BASE_URL`` pointing at it,
   pipe every connection byte for byte to SOCK (the harness proxy), and exit with
   PROGRAM's exit code.

Standard library only: it runs under the candidate runtime's interpreter.
"""

import argparse
import asyncio
import contextlib
import os
import resource
import signal
import sys


def _drop(uid: int) -> None:
    """Become ``uid``/``uid`` (no groups); the change from uid 0 clears every capability."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    with open("/proc/self/status", encoding="ascii") as fh:
        caps = [line.split()[1] for line in fh if line.startswith(("CapPrm", "CapEff", "CapAmb"))]
    if (
        os.getresuid() != (uid, uid, uid)
        or os.getresgid() != (uid, uid, uid)
        or any(int(c, 16) for c in caps)
    ):
        print(f"relay: could not drop to uid {uid}", file=sys.stderr)
        sys.exit(126)


def _confine(helpers: str, file_size_mb: int, open_files: int, uid: int | None) -> None:
    sys.path.insert(0, helpers)
    import _pe_sys  # the grading sandbox's own wrappers (seccomp, prctl)

    if uid is not None:
        _drop(uid)

    mb = 1024 * 1024
    for which, value in (
        (resource.RLIMIT_FSIZE, file_size_mb * mb),
        (resource.RLIMIT_NOFILE, open_files),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(which, (value, value))
    _pe_sys.prctl(_pe_sys.PR_SET_NO_NEW_PRIVS, 1)
    if not _pe_sys.install_seccomp():
        print("relay: no seccomp filter on this architecture", file=sys.stderr)


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(OSError):
            writer.close()


async def _relay(sock: str, argv: list[str]) -> int:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_unix_connection(sock)
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pump(reader, up_writer), _pump(up_reader, writer))

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    env = dict(os.environ, ANTHROPIC_BASE_URL=f"http://127.0.0.1:{port}")
    proc = await asyncio.create_subprocess_exec(*argv, env=env)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, proc.terminate)
    return await proc.wait()


def main() -> int:
    split = sys.argv.index("--")
    parser = argparse.ArgumentParser(prog="relay.py")
    parser.add_argument("--helpers", required=True)
    parser.add_argument("--file-size-mb", type=int, required=True)
    parser.add_argument("--open-files", type=int, required=True)
    parser.add_argument("--uid", type=int)
    parser.add_argument("--socket")
    opts = parser.parse_args(sys.argv[1:split])
    argv = sys.argv[split + 1 :]
    _confine(opts.helpers, opts.file_size_mb, opts.open_files, opts.uid)
    if opts.socket is None:
        os.execv(argv[0], argv)
    code = asyncio.run(_relay(opts.socket, argv))
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
