"""Write the recorded judge replies for the labelled set.

``judge_verdicts.jsonl`` holds one verdict per labelled item, written by the engineer (an
LLM) acting as the judge: each item's excerpt was read in a shuffled order, without its
label or rationale, against the rubric in ``graders/judge/rubrics.yaml``. This script
wraps each verdict in the Messages API shape the judge would get back (a ``tool_use``
block for ``record_verdicts``), keyed by the item's rule and candidate nonce, under
``recorded/calibration/``. Token counts are estimates (~4 characters per token).

Run from the repository root: ``.venv/bin/python tests/graders/judge/make_recorded.py``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from graders.judge._rubric import files_nonce, render_prompt, rubric_for
from graders.judge.labels import LABELS_PATH, load_labels

HERE = Path(__file__).parent
OUT = HERE / "recorded" / "calibration"


def main() -> None:
    verdicts = {
        v["id"]: v
        for v in map(json.loads, (HERE / "judge_verdicts.jsonl").read_text().splitlines())
    }
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    for item in load_labels(LABELS_PATH):
        v = verdicts[item.id]
        rubric = rubric_for(item.rule)
        assert rubric is not None
        system, user = render_prompt([rubric], "", item.files)
        entry = {
            "rule_id": item.rule,
            "verdict": v["verdict"],
            "reason": v["reason"],
            "quote": v["quote"],
        }
        digest = hashlib.sha256(item.id.encode()).hexdigest()
        body = {
            "id": f"msg_rec_{digest[:20]}",
            "type": "message",
            "role": "assistant",
            "model": "recorded-judge",
            "content": [
                {
                    "type": "tool_use",
                    "id": f"toolu_rec_{digest[20:40]}",
                    "name": "record_verdicts",
                    "input": {"verdicts": [entry]},
                }
            ],
            "stop_reason": "tool_use",
            "stop_sequence": None,
            "usage": {
                "input_tokens": (len(system) + len(user)) // 4,
                "output_tokens": len(json.dumps(entry)) // 4,
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
            },
        }
        record = {
            "item": item.id,
            "match": {"rules": [item.rule], "nonce": files_nonce(item.files)},
            "status": 200,
            "body": body,
        }
        (OUT / f"{item.id}.json").write_text(json.dumps(record, indent=1) + "\n", "utf-8")
    print(f"{len(verdicts)} recordings -> {OUT}")


if __name__ == "__main__":
    main()
