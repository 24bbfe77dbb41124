# GOOD: contextlib.suppress with a narrow FileNotFoundError when deleting a temp upload that may be gone.
import contextlib
import logging
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)
UPLOAD_DIR = Path(tempfile.gettempdir()) / "uploads"


def store_chunk(upload_id: str, index: int, data: bytes) -> Path:
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    path = UPLOAD_DIR / f"{upload_id}.{index:05d}"
    path.write_bytes(data)
    return path


def discard_upload(upload_id: str) -> int:
    """Remove every chunk of an abandoned upload; missing chunks are fine."""
    removed = 0
    for chunk in sorted(UPLOAD_DIR.glob(f"{upload_id}.*")):
        with contextlib.suppress(FileNotFoundError):
            chunk.unlink()
            removed += 1
    logger.info("upload discarded", extra={"upload_id": upload_id, "chunks": removed})
    return removed


if __name__ == "__main__":
    store_chunk("u1", 0, b"abc")
    print(discard_upload("u1"))
