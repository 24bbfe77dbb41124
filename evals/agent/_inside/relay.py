"""Inside the agent sandbox: a 127.0.0.1 port relayed to the harness proxy's unix socket.

``python relay.py SOCKET -- PROGRAM ARGS...`` listens on an ephemeral loopback port of
the sandbox's own (otherwise empty) network namespace, starts PROGRAM with
``ANTHROPIC_BASE_URL`` pointing at it, pipes every connection byte for byte to SOCKET,
and exits with PROGRAM's exit code. Standard library only: it runs under the
candidate runtime's interpreter.
"""

import asyncio
import contextlib
import os
import signal
import sys


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


async def _main(sock: str, argv: list[str]) -> int:
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


if __name__ == "__main__":
    split = sys.argv.index("--")
    code = asyncio.run(_main(sys.argv[1], sys.argv[split + 1 :]))
    sys.exit(code if code >= 0 else 128 - code)
