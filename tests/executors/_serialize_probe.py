"""A Ray driver that records every object Ray serializes in this process.

``python _serialize_probe.py CONFIG_JSON RUN_DIR BLOBS_OUT``: patches Ray's own
``SerializationContext.serialize`` (the one door every task argument and ``ray.put``
goes through), runs the plan with ``--executor ray``, and writes each recorded blob
(cloudpickled, as Ray pickles it) to BLOBS_OUT, one hex line per blob.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import ray._private.serialization as serialization
from ray import cloudpickle

from evals.runner import RunConfig, Runner

BLOBS: list[bytes] = []
_original = serialization.SerializationContext.serialize


def _recording(self: Any, value: Any) -> Any:
    BLOBS.append(value if isinstance(value, bytes) else cloudpickle.dumps(value))
    return _original(self, value)


def main() -> None:
    config = RunConfig.model_validate_json(Path(sys.argv[1]).read_text(encoding="utf-8"))
    serialization.SerializationContext.serialize = _recording  # type: ignore[method-assign]
    result = asyncio.run(Runner(config, Path(sys.argv[2]), argv=["probe"]).run())
    Path(sys.argv[3]).write_text("".join(b.hex() + "\n" for b in BLOBS), encoding="utf-8")
    print(f"{result.done}/{result.planned}")


if __name__ == "__main__":
    main()
