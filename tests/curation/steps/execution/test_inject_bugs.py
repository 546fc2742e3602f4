"""LLM bug injection through the real OpenAI-compatible backend, against a loopback
server (no model can run here) that answers with scripted variants of the solution."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI, Request

from curation.judge.backends import OpenAIConfig
from curation.readers.records import Problem, Solution
from curation.steps.execution.documents import ProblemReader, solutions_of
from curation.steps.execution.execute import ExecuteSolutions, ExecutionConfig
from curation.steps.execution.inject_bugs import BugInjectionConfig, InjectBugs
from curation.steps.pairs.executions import PairExecutions
from sandbox.api import TestCase as Case

# What the scripted "LLM" does with each solution it is shown (keyed by a marker).
ANSWERS = {
    "* 2": "print(int(input()) * 3)",  # a real bug: fails the tests
    "* 5": "print(5 * int(input()))",  # still correct: a failed injection, never paired
    "* 7": "print(int(input()) * 7)",  # unchanged: rejected by the parser
}


def build_app() -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def complete(request: Request) -> dict:
        body = await request.json()
        text = body["messages"][-1]["content"]
        marker = next(key for key in ANSWERS if key in text)
        answer = f"```python\n{ANSWERS[marker]}\n```"
        choices = [
            {
                "index": i,
                "message": {"role": "assistant", "content": answer},
                "finish_reason": "stop",
            }
            for i in range(body.get("n", 1))
        ]
        return {"choices": choices, "usage": {"prompt_tokens": 10, "completion_tokens": 5}}

    return app


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(build_app(), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "loopback server did not start"
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}/v1"
    server.should_exit = True
    thread.join(timeout=10)


def problem(factor: int) -> tuple[Problem, Solution]:
    pid = f"times{factor}"
    return (
        Problem(
            id=pid,
            source="unit",
            language="Python",
            prompt=f"Print {factor} times the integer on stdin.",
            tests=(Case("2\n", f"{2 * factor}\n"), Case("3\n", f"{3 * factor}\n")),
        ),
        Solution(f"{pid}/ref", pid, "Python", f"print(int(input()) * {factor})\n", "reference"),
    )


@pytest.mark.slow
def test_injected_bugs_are_paired_only_when_the_sandbox_proves_them(base_url: str) -> None:
    items = [problem(2), problem(5), problem(7)]
    config = BugInjectionConfig(OpenAIConfig(base_url=base_url, model="scripted", max_retries=0))
    inject = InjectBugs(config)
    documents = list(inject(ProblemReader([p for p, _ in items], [s for _, s in items])()))
    added = {d.id: [s for s in solutions_of(d) if s.origin == "llm"] for d in documents}
    assert [s.code.strip() for s in added["times2"]] == [ANSWERS["* 2"]]
    assert json.loads(added["times2"][0].meta or "{}") == {
        "kind": "bug_introduction",
        "model": "scripted",
        "parent": "times2/ref",
    }
    assert added["times7"] == []  # the unchanged answer did not parse
    assert inject.stats["bug_ok"].total == 2
    assert inject.stats["bug_invalid_value"].total == 1

    execute = ExecuteSolutions(ExecutionConfig(backend="process", repeats=1, progress=False))
    paired = list(PairExecutions()(execute(iter(documents))))
    pairs = {d.id: d.metadata["pairs"] for d in paired}
    (fc,) = pairs["times2"]
    evidence = json.loads(fc["evidence"])
    assert (evidence["chosen"]["solution_id"], evidence["rejected"]["solution_id"]) == (
        "times2/ref",
        "times2/ref/llm-bug",
    )
    assert evidence["rejected"]["status"] == "WRONG_ANSWER"
    # The variant of times5 passes every test: no pair, in either direction.
    assert pairs["times5"] == []
    assert re.fullmatch(r"[0-9a-f]{32}", fc["id"])
