"""Fixtures of the bench tests: the published CRB runs and a small CRB-format pair set."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import uvicorn
from fastapi import FastAPI, Request

from curation.criteria import ASPECTS
from curation.languages import LANGUAGE_NAMES


@pytest.fixture(scope="session")
def crb_runs(shared_data: Path) -> Path:
    runs = shared_data / "crb-runs"
    if not runs.is_dir():
        pytest.skip(f"published CRB runs not found at {runs}")
    return runs


def make_pairs(n: int = 40) -> pl.DataFrame:
    """CRB-format pairs over every aspect and language; the chosen code is the longer one
    on even rows and the shorter one on odd rows, so length baselines score exactly 50%."""
    rows = []
    for i in range(n):
        short = f"def f{i}(x):\n    return x + {i}\n"
        long = f"def f{i}(x):\n    # add the offset\n    y = x + {i}\n    return y\n"
        chosen, rejected = (long, short) if i % 2 == 0 else (short, long)
        rows.append(
            {
                "id": f"T_{i:03d}",
                "prompt": f"Write f{i} that adds {i} to x.",
                "chosen": chosen,
                "rejected": rejected,
                "language": LANGUAGE_NAMES[i % len(LANGUAGE_NAMES)],
                "aspect": ASPECTS[i % len(ASPECTS)],
                "subset": "EVEN" if i % 2 == 0 else "ODD",
            }
        )
    return pl.DataFrame(rows)


@pytest.fixture
def pairs() -> pl.DataFrame:
    return make_pairs()


class _LengthJudge:
    """Answers like a judge that prefers the longer solution; a task containing GARBAGE
    gets an answer without a verdict tag, one containing EVEN gets a TIE."""

    def __init__(self) -> None:
        self.calls = 0

    def answer(self, content: str) -> str:
        self.calls += 1
        task = content.split("## Solution A")[0]
        if "GARBAGE" in task:
            return "Both look fine to me."
        if "EVEN" in task:
            return "Equal.\n<verdict>TIE</verdict>"
        a = content.split("## Solution A")[1].split("## Solution B")[0]
        b = content.split("## Solution B")[1].split("## Answer format")[0]
        return f"Longer wins.\n<verdict>{'A' if len(a) > len(b) else 'B'}</verdict>"


@pytest.fixture(scope="module")
def judge_server() -> Iterator[tuple[str, _LengthJudge]]:
    """A real OpenAI-compatible chat completions server on loopback (uvicorn + FastAPI)."""
    judge = _LengthJudge()
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> dict:
        payload = await request.json()
        text = judge.answer(payload["messages"][-1]["content"])
        n = int(payload.get("n") or 1)
        choices = [
            {"index": i, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
            for i in range(n)
        ]
        return {"id": "x", "object": "chat.completion", "choices": choices, "usage": {}}

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}/v1", judge
    server.should_exit = True
    thread.join(timeout=5)
