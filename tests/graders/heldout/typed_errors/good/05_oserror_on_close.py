# GOOD: deliberately ignores only OSError when closing a socket during shutdown (narrow, documented).
import logging
import socket

logger = logging.getLogger(__name__)


class MetricsEmitter:
    """Fire-and-forget StatsD emitter over UDP."""

    def __init__(self, host: str = "127.0.0.1", port: int = 8125) -> None:
        self.addr = (host, port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    def incr(self, metric: str, value: int = 1) -> None:
        payload = f"{metric}:{value}|c".encode()
        self.sock.sendto(payload, self.addr)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            # The socket may already be gone at interpreter shutdown; nothing to recover.
            pass


if __name__ == "__main__":
    m = MetricsEmitter()
    m.incr("requests")
    m.close()
