"""Client overhead of the ``openai`` judge backend, and its fault tolerance.

A loopback OpenAI-compatible server (raw ASGI on uvicorn, in its own process so that it
does not share the client's GIL) answers every chat completion instantly with ``n``
choices that echo the request's last message. In the same run, the same requests are sent
by (a) a bare ``httpx.AsyncClient`` loop with a semaphore, which only posts the JSON and
reads the texts, and (b) ``OpenAIBackend`` (payload building, per-request deadline, retry
loop, stats). Rounds alternate between the two and the median of the rounds is reported.
Target: backend >= 0.9x the bare loop's requests/s at concurrency 64.

Then the server fails 5% of calls with HTTP 500 and the backend must return every result
exactly once, in order, with the right text: zero lost, zero duplicated.

    python benchmarks/judge.py [--requests 3000] [--concurrency 64] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from curation.judge.backends.openai import OpenAIBackend, OpenAIConfig
from curation.judge.requests import ChatRequest, Sampling

# The test-only fixtures live in tests/fixtures, which does not ship; run as a script, the
# repository root is not on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.fixtures.instant_chat_server import InstantChatServer

TARGET_RATIO = 0.9


def echo_last_message(payload: dict, index: int) -> str:
    """Every choice echoes the request's last message."""
    return payload["messages"][-1]["content"]


def make_requests(count: int, n: int) -> list[ChatRequest]:
    sampling = Sampling(n=n, temperature=0.8, top_p=0.95, max_tokens=16)
    return [
        ChatRequest.from_messages(
            [{"role": "system", "content": "judge"}, {"role": "user", "content": f"request {i}"}],
            sampling,
        )
        for i in range(count)
    ]


async def bare_loop(url: str, requests: list[ChatRequest], concurrency: int) -> list[list[str]]:
    """The peer: a semaphore, one shared client, post and read the texts."""
    semaphore = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def one(request: ChatRequest) -> list[str]:
            body = {
                "model": "bench",
                "messages": request.message_dicts(),
                "n": request.sampling.n,
                "temperature": request.sampling.temperature,
                "top_p": request.sampling.top_p,
                "max_tokens": request.sampling.max_tokens,
            }
            async with semaphore:
                response = await client.post(f"{url}/chat/completions", json=body)
            return [choice["message"]["content"] for choice in response.json()["choices"]]

        return await asyncio.gather(*(one(request) for request in requests))


def timed(function, *args) -> tuple[float, float]:
    """Wall seconds and this process's CPU seconds (the server runs in another process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    function(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def throughput(args: argparse.Namespace, console: Console) -> dict[str, dict[str, float]]:
    """Median requests/s and client CPU ms per request of each client over the rounds."""
    requests = make_requests(args.requests, args.samples)
    config = OpenAIConfig(model="bench", concurrency=args.concurrency, timeout_s=60)
    rates: dict[str, list[float]] = {"bare": [], "backend": []}
    cpu_ms: dict[str, list[float]] = {"bare": [], "backend": []}
    with InstantChatServer(echo_last_message) as server:
        config.base_url = server.url
        clients = {
            "bare": lambda: asyncio.run(bare_loop(server.url, requests, args.concurrency)),
            "backend": lambda: OpenAIBackend(config).generate(requests),
        }
        asyncio.run(bare_loop(server.url, requests[:200], args.concurrency))  # warm-up
        for round_index in range(args.rounds):
            order = ("bare", "backend") if round_index % 2 == 0 else ("backend", "bare")
            for kind in order:
                wall, cpu = timed(clients[kind])
                rates[kind].append(len(requests) / wall)
                cpu_ms[kind].append(1000 * cpu / len(requests))
            console.log(
                f"round {round_index + 1}: bare {rates['bare'][-1]:.0f} req/s, "
                f"backend {rates['backend'][-1]:.0f} req/s"
            )
    return {
        kind: {"rate": statistics.median(rates[kind]), "cpu_ms": statistics.median(cpu_ms[kind])}
        for kind in rates
    }


def fault_tolerance(args: argparse.Namespace) -> dict[str, int]:
    requests = make_requests(args.requests, args.samples)
    with InstantChatServer(echo_last_message, fail_rate=args.fail_rate, seed=1) as server:
        config = OpenAIConfig(
            base_url=server.url,
            model="bench",
            concurrency=args.concurrency,
            max_retries=10,
            backoff_initial_s=0.01,
            backoff_max_s=0.2,
        )
        backend = OpenAIBackend(config)
        completions = backend.generate(requests)
    expected = [f"request {i}" for i in range(len(requests))]
    got = [c.texts[0] if c.texts else None for c in completions]
    return {
        "requests": len(requests),
        "results": len(completions),
        "lost": sum(not c.ok for c in completions) + max(0, len(requests) - len(completions)),
        "wrong_or_duplicated": sum(
            g != e or len(c.texts) != args.samples
            for g, e, c in zip(got, expected, completions, strict=False)
        ),
        "http_calls": backend.stats.http_calls,
        "retries": backend.stats.retries,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--samples", type=int, default=8, help="n choices per request")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--fail-rate", type=float, default=0.05)
    args = parser.parse_args()
    console = Console()

    measured = throughput(args, console)
    bare, backend = measured["bare"], measured["backend"]
    ratio = backend["rate"] / bare["rate"]
    table = Table(title=f"judge client, {args.requests} requests, concurrency {args.concurrency}")
    table.add_column("client")
    table.add_column("requests/s (median)", justify="right")
    table.add_column("vs bare", justify="right")
    table.add_column("client CPU ms/request", justify="right")
    table.add_row(
        "bare httpx.AsyncClient loop", f"{bare['rate']:.0f}", "1.00x", f"{bare['cpu_ms']:.2f}"
    )
    table.add_row(
        "openai backend", f"{backend['rate']:.0f}", f"{ratio:.2f}x", f"{backend['cpu_ms']:.2f}"
    )
    console.print(table)

    faults = fault_tolerance(args)
    fault_table = Table(title=f"openai backend under {args.fail_rate:.0%} injected HTTP 500s")
    for key in faults:
        fault_table.add_column(key, justify="right")
    fault_table.add_row(*(str(value) for value in faults.values()))
    console.print(fault_table)

    ok_speed = ratio >= TARGET_RATIO
    ok_faults = faults["lost"] == 0 and faults["wrong_or_duplicated"] == 0
    ok_faults = ok_faults and faults["results"] == faults["requests"]
    console.print(
        f"target >= {TARGET_RATIO}x bare: {'met' if ok_speed else 'MISSED'}; "
        f"zero lost/duplicated under faults: {'met' if ok_faults else 'MISSED'}"
    )
    return 0 if ok_speed and ok_faults else 1


if __name__ == "__main__":
    sys.exit(main())
