from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from curation.executors import ExecutorConfig, ExecutorKind, SlurmOptions, build_executor
from pipelines.cli import app
from pipelines.config import ConfigError
from pipelines.run import load_pipeline

runner = CliRunner()


def test_commits_pipeline_from_a_yaml_file(commit_repo: Path, tmp_path: Path) -> None:
    config = tmp_path / "commits.yaml"
    config.write_text(
        f"pipeline: commits\n"
        f"mining:\n"
        f"  output: {tmp_path / 'out'}\n"
        f"  repos: [{commit_repo}]\n"
        f"  executor: {{tasks: 2, workers: 1}}\n"
    )
    result = runner.invoke(app, ["run", str(config), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "commits pipeline on the local executor (2 tasks" in result.stdout
    pairs = pl.read_parquet(sorted((tmp_path / "out" / "pairs").glob("*.parquet")))
    assert sorted(pairs["aspect"]) == ["Runtime_Efficiency", "Security_Hardness"]


def test_toml_config_and_cli_overrides(tmp_path: Path) -> None:
    config = tmp_path / "bench.toml"
    config.write_text(
        f'pipeline = "benchmark"\ndataset = "{tmp_path}/ds"\nout = "{tmp_path}/b"\n'
        "[executor]\ntasks = 1\n[executor.slurm]\npartition = 'gpu'\n"
    )
    name, _, loaded = load_pipeline(config, executor=ExecutorKind.SLURM, tasks=3)
    assert name == "benchmark"
    assert loaded.executor.kind is ExecutorKind.SLURM
    assert loaded.executor.tasks == 3
    assert loaded.executor.slurm.partition == "gpu"
    assert loaded.executor.logging_dir == f"{tmp_path}/b/logs"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('pipeline = "nope"\n', "'pipeline' must be one of commits, execution, benchmark"),
        ('pipeline = "benchmark"\ndataset = "d"\nout = "o"\ntypo = 1\n', "unknown key(s) typo"),
        (
            'pipeline = "benchmark"\ndataset = "d"\nout = "o"\n[executor]\ntasks = 0\n',
            "executor: tasks must be >= 1",
        ),
        ('pipeline = "benchmark"\nout = "o"\n', "missing 1 required positional argument"),
        (
            'pipeline = "benchmark"\ndataset = "d"\nout = "o"\n[executor]\ntasks = "many"\n',
            "executor: tasks: 'many' is not a valid int",
        ),
    ],
)
def test_config_errors_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(text)
    with pytest.raises(ConfigError, match=r"bad\.toml") as raised:
        load_pipeline(config)
    assert message in str(raised.value)


def test_an_unknown_executor_flag_names_the_choices(tmp_path: Path) -> None:
    config = tmp_path / "bench.toml"
    config.write_text(f'pipeline = "benchmark"\ndataset = "{tmp_path}/ds"\nout = "{tmp_path}/b"\n')
    with pytest.raises(ConfigError, match="--executor must be one of local, slurm, ray, got 'k8s'"):
        load_pipeline(config, executor="k8s")


def test_slurm_executor_renders_an_sbatch_array_script(tmp_path: Path) -> None:
    """No Slurm exists here: render the launch script datatrove would submit and check it."""
    config = ExecutorConfig(
        kind="slurm",
        tasks=8,
        workers=4,
        logging_dir=str(tmp_path / "logs"),
        slurm=SlurmOptions(
            partition="cpu-long", time="02:00:00", venv_path="/opt/venv/bin/activate"
        ),
    )
    executor = build_executor([lambda data, rank, world_size: data], config, "mine")
    script = executor.get_launch_file_contents(
        executor.get_sbatch_args(8), "launch_pickled_pipeline x"
    )
    assert script.startswith("#!/bin/bash\n")
    assert "#SBATCH --partition=cpu-long" in script
    assert "#SBATCH --time=02:00:00" in script
    assert "#SBATCH --array=0-7%4" in script
    assert "#SBATCH --job-name=codepref-mine" in script
    assert "source /opt/venv/bin/activate" in script
    with pytest.raises(ValueError, match="partition"):
        build_executor([], ExecutorConfig(kind="slurm", logging_dir=str(tmp_path)), "x")


@pytest.mark.slow
def test_ray_executor_runs_a_pipeline_on_a_local_instance(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    from pipelines.benchmark import BenchmarkConfig, run_benchmark

    dataset = tmp_path / "dataset"
    for split, prompt in (("train", "Sort a list"), ("test", "Reverse a string")):
        (dataset / "data" / split).mkdir(parents=True)
        pl.DataFrame(
            {
                "id": [split],
                "prompt": [prompt],
                "chosen": ["good"],
                "rejected": ["bad"],
                "language": ["Python"],
                "aspect": ["Functional_Correctness"],
                "source": ["demo"],
                "label_method": ["execution"],
                "evidence": [json.dumps({"problem_id": split})],
            }
        ).write_parquet(dataset / "data" / split / "0.parquet")
    config = BenchmarkConfig(
        dataset=dataset,
        out=tmp_path / "bench",
        executor=ExecutorConfig(kind="ray", logging_dir=str(tmp_path / "logs")),
    )
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    try:
        stats = run_benchmark(config)
    finally:
        ray.shutdown()
    assert stats["kept"] == 1
    assert (tmp_path / "logs" / "benchmark" / "completions" / "00000").exists()
