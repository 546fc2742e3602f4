"""The part of a sandbox both backends share: a pool of warm workers and ``run_many``.

A backend only says how to start a worker for a given image key; the pool hands idle
workers out one job at a time, starts more on demand (up to the parallelism asked for),
replaces a worker whose supervisor broke, and closes everything on exit.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from curation.languages import normalize_language

from .api import HARNESS, Comparison, Job, Limits, Program, RunResult, Status, TestCase
from .compile_cache import Build, CompileCache
from .precompiled_headers import HeaderStore
from .runners import Runner
from .supervisor_binary import cache_dir
from .worker import Worker, WorkerError

log = logging.getLogger(__name__)


class WorkerPool:
    """A :class:`~sandbox.api.Sandbox` made of warm workers; subclasses start them."""

    name = ""

    def __init__(
        self,
        *,
        workers: int = 2,
        limits: Limits | None = None,
        count_instructions: bool = False,
        compile_cache: bool = True,
        compile_cache_dir: str | None = None,
        warm_compilers: bool = True,
    ) -> None:
        """``compile_cache`` shares each source's build among the workers of this sandbox
        (see :mod:`sandbox.compile_cache`); ``compile_cache_dir`` also keeps the builds
        there for later runs. ``warm_compilers`` compiles the languages that have one
        (Java, C#) in long-lived compilers, each in a compile worker of its own: a worker as
        isolated as the others that never runs a program; the build travels to the
        program's worker through this process, like a cached one."""
        self.workers = workers
        self.limits = limits or Limits()
        self.count_instructions = count_instructions
        self.compile_cache = (
            CompileCache(compile_cache_dir) if compile_cache or compile_cache_dir else None
        )
        self.warm_compilers = warm_compilers
        # Precompiled headers (sandbox/precompiled_headers.py) go with the warm compilers;
        # like the supervisor binary, they are the toolchain's and kept across runs.
        self.header_store = HeaderStore() if warm_compilers else None
        # So are the seeded build caches (sandbox.runners.Runner.seed).
        self.seed_store = CompileCache(cache_dir() / "seeds") if warm_compilers else None
        self._idle: dict[str, list[Worker]] = defaultdict(list)
        self._live: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    # -- for subclasses ----------------------------------------------------------------------
    def _key(self, language: str) -> str:
        """Which workers can run this language (the image, for Docker)."""
        return ""

    def _start_worker(self, key: str) -> Worker:
        raise NotImplementedError

    # -- the Sandbox protocol ------------------------------------------------------------------
    def run(
        self,
        program: Program,
        tests: Sequence[TestCase] = (HARNESS,),
        limits: Limits | None = None,
        comparison: Comparison = Comparison.WHITESPACE,
    ) -> RunResult:
        """Compile ``program`` once and run every test; a broken worker is replaced and
        the program retried once, on a freshly started worker (another idle worker may have
        died the same way, e.g. when the engine killed them all), before the run is
        reported as SANDBOX_ERROR."""
        language = normalize_language(program.language)
        if not tests:
            raise ValueError("a run needs at least one test case (use HARNESS)")
        key = self._key(language)
        error: Exception | None = None
        for attempt in range(2):
            try:
                worker = self._acquire(key, fresh=attempt > 0)
            except Exception as start_error:  # reported as a verdict
                error = start_error
                log.error("%s sandbox: cannot start a worker: %s", self.name, start_error)
                break
            try:
                result = worker.execute(program, tests, limits or self.limits, comparison)
            except WorkerError as broken:
                error = broken
                log.warning("%s sandbox: replacing a broken worker: %s", self.name, broken)
                self._discard(worker)
                continue
            except BaseException:
                self._discard(worker)  # interrupted mid-job: its state is unknown
                raise
            self._release(key, worker)
            return result
        return RunResult(status=Status.SANDBOX_ERROR, compile_output=str(error), backend=self.name)

    def run_many(
        self,
        jobs: Sequence[Job],
        workers: int | None = None,
        comparison: Comparison = Comparison.WHITESPACE,
        progress: bool = True,
    ) -> list[RunResult]:
        """Run jobs in parallel on ``workers`` warm workers; results in input order."""
        for index, job in enumerate(jobs):
            try:
                normalize_language(job.program.language)
            except ValueError as error:
                raise ValueError(f"job {index}: {error}") from error
        results: list[RunResult | None] = [None] * len(jobs)
        parallel = max(1, workers or self.workers)
        with (
            ThreadPoolExecutor(parallel, thread_name_prefix=f"{self.name}-sandbox") as pool,
            Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                disable=not progress,
                transient=True,
            ) as bar,
        ):
            task = bar.add_task(f"{self.name} sandbox", total=len(jobs))
            futures = {
                pool.submit(self.run, job.program, job.tests, job.limits, comparison): index
                for index, job in enumerate(jobs)
            }
            try:
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    bar.advance(task)
            except BaseException:
                # Ctrl-C (or a bad job): drop what has not started; running jobs end
                # within their time limits, then the caller's ``with`` closes the pool.
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        return [result for result in results if result is not None]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            live, self._live = self._live, set()
            self._idle.clear()
        for worker in live:
            try:
                worker.close()
            except Exception as error:  # keep closing the others
                log.warning("%s sandbox: closing a worker failed: %s", self.name, error)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- warm compilers ----------------------------------------------------------------------
    def compile_warm(
        self, runner: Runner, program: Program, files: dict[str, str], limits: Limits
    ) -> tuple[Build | None, bool]:
        """Compile in a compile worker's warm compiler (replaced, and the compile retried
        once, when it broke)."""
        key = self._key(runner.language)
        error: Exception | None = None
        for attempt in range(2):
            worker = self._acquire(key, fresh=attempt > 0, compiler=True)
            try:
                built = worker.compile_in_warm_compiler(runner, program, files, limits)
            except WorkerError as broken:
                error = broken
                log.warning("%s sandbox: replacing a broken compile worker: %s", self.name, broken)
                self._discard(worker)
                continue
            except BaseException:
                self._discard(worker)
                raise
            self._release(key, worker, compiler=True)
            return built
        raise WorkerError(f"the warm compiler broke twice: {error}")

    # -- the pool ----------------------------------------------------------------------------
    def _acquire(self, key: str, fresh: bool = False, compiler: bool = False) -> Worker:
        """An idle worker for ``key``, or (none idle, or ``fresh``) a newly started one;
        ``compiler``: a compile worker (they are kept apart from the program workers)."""
        idle = self._idle[f"{key}\0compiler" if compiler else key]
        with self._lock:
            if self._closed:
                raise RuntimeError(f"the {self.name} sandbox is closed")
            if idle and not fresh:
                return idle.pop()
        worker = self._start_worker(key)
        # The seed store also keeps the built warm compilers (Runner.warm_build).
        worker.seed_store = self.seed_store
        if self.warm_compilers and not compiler:
            worker.warm_compile = self.compile_warm
            worker.fast_path = True
            worker.header_store = self.header_store
        with self._lock:
            self._live.add(worker)
            closed = self._closed
        if closed:
            self._discard(worker)
            raise RuntimeError(f"the {self.name} sandbox is closed")
        return worker

    def _release(self, key: str, worker: Worker, compiler: bool = False) -> None:
        with self._lock:
            if not self._closed:
                self._idle[f"{key}\0compiler" if compiler else key].append(worker)
                return
        self._discard(worker)

    def _discard(self, worker: Worker) -> None:
        with self._lock:
            self._live.discard(worker)
        try:
            worker.close()
        except Exception as error:  # a broken worker may fail to close
            log.warning("%s sandbox: closing a broken worker failed: %s", self.name, error)
