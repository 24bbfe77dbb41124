# Broad catch sets a flag and carries on as if nothing happened.
import logging
import shutil

log = logging.getLogger(__name__)


def rotate_logs(src: str, dst: str) -> bool:
    ok = True
    try:
        shutil.move(src, dst)
    except Exception as exc:
        log.error("rotation failed: %s", exc)
        ok = False
    return ok
