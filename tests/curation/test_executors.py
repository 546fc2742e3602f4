from __future__ import annotations

from pathlib import Path

import pytest
from datatrove.data import Document
from datatrove.pipeline.base import PipelineStep
from loguru import logger
from rich.console import Console

from curation.executors import ExecutorConfig, build_executor, run_stages


class Numbers(PipelineStep):
    """Yields a few documents and logs one line per task, as real steps do."""

    name = "numbers"

    def run(self, data=None, rank: int = 0, world_size: int = 1):
        logger.info(f"numbers task {rank} speaking")
        for index in range(3):
            self.stat_update("rows")
            yield Document(text=str(index), id=f"{rank}-{index}")


@pytest.mark.parametrize("workers", [1, 2])
def test_local_stages_log_to_files_and_print_one_line_each(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], workers: int
) -> None:
    config = ExecutorConfig(tasks=2, workers=workers, logging_dir=str(tmp_path / "logs"))
    first = build_executor([Numbers()], config, "first")
    second = build_executor([Numbers()], config, "second", depends=first)
    first.console = second.console = Console(force_terminal=False, width=200)
    run_stages([first, second], config)

    out, err = capfd.readouterr()
    terminal = out + err
    assert "speaking" not in terminal and "Launching pipeline" not in terminal
    lines = [line for line in out.splitlines() if line.startswith("✓")]
    assert [line.split(":")[0] for line in lines] == ["✓ first", "✓ second"]
    assert "2 task(s)" in lines[0]
    for stage in ("first", "second"):
        logs = tmp_path / "logs" / stage / "logs"
        for rank in (0, 1):
            assert f"numbers task {rank} speaking" in (logs / f"task_{rank:05d}.log").read_text()
        assert "Stats: All 2 tasks" in (logs / "executor.log").read_text()


def test_a_rerun_says_the_stage_was_already_done(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    config = ExecutorConfig(tasks=1, workers=1, logging_dir=str(tmp_path / "logs"))
    for _ in range(2):
        executor = build_executor([Numbers()], config, "only")
        executor.console = Console(force_terminal=False, width=200)
        run_stages([executor], config)
    out = capfd.readouterr().out
    assert out.count("✓ only") == 2 and "already done" in out.splitlines()[-1]


def test_log_handlers_look_up_the_library_folders_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each loguru handler asked sysconfig for every install path (20-40 ms on a busy
    machine, ten handlers a stage); the answer is taken once and stays right."""
    import sysconfig

    from loguru._better_exceptions import ExceptionFormatter

    first = ExceptionFormatter._get_lib_dirs()
    asked = []
    real = sysconfig.get_scheme_names
    monkeypatch.setattr(sysconfig, "get_scheme_names", lambda: asked.append(1) or real())
    handlers = [logger.add(tmp_path / f"{index}.log") for index in range(3)]
    for handler in handlers:
        logger.remove(handler)
    assert asked == []
    assert ExceptionFormatter._get_lib_dirs() == first
    assert any("site-packages" in folder or "lib" in folder for folder in first)
