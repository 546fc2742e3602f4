"""One option picks where a datatrove pipeline runs: locally, on Slurm, or on Ray.

codepref pipelines are lists of datatrove steps; this module turns such a list into the
matching datatrove executor. All three keep datatrove's per-task completion markers
(``skip_completed``), so rerunning a crashed pipeline resumes the tasks that did not
finish instead of redoing or duplicating the ones that did. Dependent stages (the four
MinHash stages, for instance) chain through datatrove's ``depends``.

Locally, datatrove's logs are for a person debugging a task, not for the person running
the pipeline: :class:`ReadableLocalExecutor` keeps every task's log in its file
(``<logging_dir>/<stage>/logs/task_NNNNN.log``, datatrove's own) and the executor's in
``logs/executor.log`` beside them, and shows on the terminal one progress line per stage
and the warnings. Slurm and Ray tasks already log to files on the nodes.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from datatrove.executor import LocalPipelineExecutor
from datatrove.executor.base import PipelineExecutor
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.logging import logger, setup_default_logger
from loguru._better_exceptions import ExceptionFormatter
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class ExecutorKind(enum.StrEnum):
    LOCAL = "local"
    SLURM = "slurm"
    RAY = "ray"


@dataclass
class SlurmOptions:
    """sbatch settings; only read when the executor is ``slurm``."""

    partition: str | None = None
    time: str = "04:00:00"
    cpus_per_task: int = 2
    mem_per_cpu_gb: int = 4
    qos: str = "normal"
    venv_path: str | None = None
    sbatch_args: dict[str, str] = field(default_factory=dict)


@dataclass
class RayOptions:
    """Ray settings; only read when the executor is ``ray``. ``address`` None starts or
    joins a local instance (``ray.init()``); set it to join a cluster."""

    address: str | None = None
    cpus_per_task: int = 1
    mem_per_cpu_gb: float = 2.0


@dataclass
class ExecutorConfig:
    """Where and how wide a pipeline runs. ``logging_dir`` holds datatrove's completion
    markers, logs and stats: keep it to resume, delete it to start over."""

    kind: ExecutorKind = ExecutorKind.LOCAL
    tasks: int = 1
    workers: int = -1
    logging_dir: str | None = None  # None: the pipeline's own ``<out>/logs``
    skip_completed: bool = True
    # "fork" starts local workers as copies of this process (no re-import of pyarrow and
    # the grammars, seconds per stage); "forkserver" is safer once threads are running.
    start_method: str = "forkserver"
    slurm: SlurmOptions = field(default_factory=SlurmOptions)
    ray: RayOptions = field(default_factory=RayOptions)

    def __post_init__(self) -> None:
        self.kind = ExecutorKind(self.kind)
        if self.tasks < 1:
            raise ValueError(f"tasks must be >= 1, got {self.tasks}")
        if self.workers == 0 or self.workers < -1:
            raise ValueError(f"workers must be >= 1 (or -1 for one per task), got {self.workers}")


Step = PipelineStep | Callable

EXECUTOR_LOG = "logs/executor.log"
TERMINAL_LEVEL = "WARNING"

# Every loguru handler gets an exception formatter that asks sysconfig for the 36 paths of
# every install scheme to find the library folders (20-40 ms on a busy 2-core machine);
# datatrove and this module add about ten handlers per stage and four per task, which
# made it a second of every mining run. The folders depend on ``sys.path`` alone, which
# does not change while a pipeline runs: ask once.
ExceptionFormatter._get_lib_dirs = staticmethod(functools.cache(ExceptionFormatter._get_lib_dirs))


def route_logs_to_file(logfile: Path) -> None:
    """datatrove's (loguru's) records: all to ``logfile``, warnings and up to the terminal."""
    logfile.parent.mkdir(parents=True, exist_ok=True)
    logger.remove()
    logger.add(sys.stderr, level=TERMINAL_LEVEL, format="{level}: {message}")
    logger.add(logfile, level="DEBUG", colorize=False)


class ReadableLocalExecutor(LocalPipelineExecutor):
    """datatrove's local executor with its logs in files and a progress line per stage.

    Tasks run with a non-zero local rank, which datatrove reads as "log to the task's file,
    only errors to the terminal"; the executor's own records (launches, merged stats) go to
    ``logs/executor.log``. A dependency runs first, so stages report in the order they run.
    """

    def __init__(self, *args, stage: str, console: Console | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stage = stage
        self.console = console or Console()
        self._progress: Progress | None = None

    @property
    def executor_log(self) -> Path:
        return Path(self.logging_dir.path) / EXECUTOR_LOG

    def _run_for_rank(self, rank: int, local_rank: int = 0, node_rank: int = -1):
        try:
            return super()._run_for_rank(rank, local_rank + 1, node_rank)
        finally:
            # datatrove's task logger ends by restoring its default terminal handler
            route_logs_to_file(self.executor_log)
            if self._progress is not None:
                self._progress.advance(self._progress.task_ids[0])

    def run(self):
        if self.depends is not None and not self.depends._launched:
            self.depends.run()
        done = sum(map(self.is_rank_completed, range(self.local_tasks)))
        started = time.perf_counter()
        route_logs_to_file(self.executor_log)
        # A refresh thread only where no worker is forked while it runs.
        live = self.workers == 1 or self.start_method != "fork"
        progress = Progress(
            TextColumn(f"[bold]{self.stage}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
            auto_refresh=live,
        )
        progress.add_task(self.stage, total=self.local_tasks, completed=done)
        try:
            # a log file or a pipe gets the summary line only
            with progress if self.console.is_terminal else contextlib.nullcontext():
                self._progress = progress
                stats = super().run()
        finally:
            self._progress = None
            setup_default_logger()
        seconds = time.perf_counter() - started
        state = "already done" if stats is None else f"{seconds:.1f} s"
        self.console.print(
            f"[green]✓[/green] {self.stage}: {self.local_tasks} task(s), {state}  "
            f"[dim]logs: {Path(self.logging_dir.path) / 'logs'}[/dim]"
        )
        return stats

    def __getstate__(self):
        # workers receive a copy of the executor: the terminal and its live display stay here
        return {**self.__dict__, "_progress": None, "console": None}


def build_executor(
    steps: Sequence[Step],
    config: ExecutorConfig,
    stage: str,
    depends: PipelineExecutor | None = None,
    tasks: int | None = None,
) -> PipelineExecutor:
    """The datatrove executor for one stage of a pipeline.

    ``stage`` names the sub-folder of ``config.logging_dir`` for this stage's markers, so
    every stage resumes independently. ``tasks`` overrides the configured task count for
    stages that must run as one task (a final merge, a cluster step).
    """
    if config.logging_dir is None:
        raise ValueError("ExecutorConfig.logging_dir is not set; pipelines set it to <out>/logs")
    logging_dir = str(Path(config.logging_dir) / stage)
    task_count = tasks if tasks is not None else config.tasks
    workers = -1 if config.workers == -1 else min(config.workers, task_count)
    if config.kind is ExecutorKind.LOCAL:
        return ReadableLocalExecutor(
            stage=stage,
            pipeline=list(steps),
            tasks=task_count,
            workers=workers,
            logging_dir=logging_dir,
            skip_completed=config.skip_completed,
            depends=depends,
            start_method=config.start_method,
        )
    if config.kind is ExecutorKind.SLURM:
        from datatrove.executor import SlurmPipelineExecutor

        if not config.slurm.partition:
            raise ValueError("the slurm executor needs a partition (slurm.partition)")
        return SlurmPipelineExecutor(
            pipeline=list(steps),
            tasks=task_count,
            workers=workers,
            time=config.slurm.time,
            partition=config.slurm.partition,
            cpus_per_task=config.slurm.cpus_per_task,
            mem_per_cpu_gb=config.slurm.mem_per_cpu_gb,
            qos=config.slurm.qos,
            venv_path=config.slurm.venv_path,
            sbatch_args=dict(config.slurm.sbatch_args),
            job_name=f"codepref-{stage}",
            logging_dir=logging_dir,
            skip_completed=config.skip_completed,
            depends=depends,
        )
    from datatrove.executor import RayPipelineExecutor

    return RayPipelineExecutor(
        pipeline=list(steps),
        tasks=task_count,
        workers=workers,
        cpus_per_task=config.ray.cpus_per_task,
        mem_per_cpu_gb=config.ray.mem_per_cpu_gb,
        logging_dir=logging_dir,
        skip_completed=config.skip_completed,
        depends=depends,
    )


def run_stages(executors: Sequence[PipelineExecutor], config: ExecutorConfig) -> None:
    """Run the last executor of a ``depends`` chain (datatrove runs the others first).

    For Ray, connect to the configured cluster (or start a local instance) first.
    """
    if not executors:
        return
    if config.kind is ExecutorKind.RAY:
        import ray

        if not ray.is_initialized():
            from curation.credentials import exported_environment

            # Cluster workers do not share this environment: hand them the secrets' variables.
            ray.init(
                address=config.ray.address,
                include_dashboard=False,
                log_to_driver=False,
                runtime_env={"env_vars": exported_environment()},
            )
    executors[-1].run()
