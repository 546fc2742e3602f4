"""A persistent response cache keyed by (model, messages, sampling parameters).

It lives in SQLite in the run's output folder and every completed request is committed as
soon as it arrives, so a run that crashes or is killed resumes without paying again for any
request that had finished. WAL mode lets several datatrove tasks on one node share the file;
on network file systems give each task its own file. Only successful completions are
stored: a request that failed is retried on the next run.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from pathlib import Path

from curation.judge.requests import ChatRequest, Completion


def cache_key(model: str, request: ChatRequest) -> str:
    """A stable hash of the model, the messages and the sampling parameters."""
    payload = {
        "model": model,
        "messages": request.message_dicts(),
        "sampling": request.sampling.as_dict(),
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ResponseCache:
    """SQLite-backed store of completion texts by :func:`cache_key`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=60.0, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS responses ("
            " key TEXT PRIMARY KEY, model TEXT NOT NULL, texts TEXT NOT NULL,"
            " prompt_tokens INTEGER, completion_tokens INTEGER, created REAL NOT NULL)"
        )
        self._db.commit()
        self.hits = 0
        self.misses = 0

    def get(self, model: str, request: ChatRequest) -> Completion | None:
        row = self._db.execute(
            "SELECT texts, prompt_tokens, completion_tokens FROM responses WHERE key = ?",
            (cache_key(model, request),),
        ).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return Completion(
            texts=json.loads(row[0]),
            cached=True,
            prompt_tokens=row[1] or 0,
            completion_tokens=row[2] or 0,
        )

    def put(self, model: str, request: ChatRequest, completion: Completion) -> None:
        if not completion.ok:
            return
        self._db.execute(
            "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?)",
            (
                cache_key(model, request),
                model,
                json.dumps(completion.texts, ensure_ascii=False),
                completion.prompt_tokens,
                completion.completion_tokens,
                time.time(),
            ),
        )
        self._db.commit()

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ResponseCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
