"""``evals bench agent``'s statistics: the per-turn figure is a median of paired gaps."""

from __future__ import annotations

from evals.agent.bench import _gaps, median_ci
from evals.agent.scripted_server import Conversation, Script, ScriptedServer
from evals.providers.fake_server import Recorded


def test_median_ci_brackets_the_median_and_narrows_with_agreement() -> None:
    wide = median_ci([-40.0, -5.0, 3.0, 4.0, 5.0, 6.0, 90.0])
    assert wide[0] == 4.0 and wide[1] <= 4.0 <= wide[2]
    tight = median_ci([4.0] * 7)
    assert tight == (4.0, 4.0, 4.0)


def test_gaps_count_only_the_main_conversations_model_requests() -> None:
    server = ScriptedServer(Script("s", (Conversation(({"content": []},)),)))
    bodies = [{"tools": [1]}, {"no": "tools"}, {"tools": [1]}, "text", {"tools": [1]}]
    server.requests = [Recorded("POST", "/v1/messages", {}, b) for b in bodies]
    server.arrivals = [10.0, 10.5, 11.0, 11.2, 11.5]
    assert _gaps(server, 0) == [1.0, 0.5]
    assert _gaps(server, 2) == [0.5]
