from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import torch
import yaml
from safetensors.torch import load_file

from rm.losses import LossConfig
from rm.reward_config import TrainConfig
from rm.reward_trainer import train
from rm.schedule import lr_factor, micro_batch_plan

REPO = Path(__file__).resolve().parents[2]


def test_lr_schedule_warms_up_then_decays_to_min() -> None:
    total, warmup = 100, 5
    assert lr_factor(0, total, warmup, 0.05) == pytest.approx(0.2)
    assert lr_factor(4, total, warmup, 0.05) == pytest.approx(1.0)
    assert lr_factor(5, total, warmup, 0.05) == pytest.approx(1.0)
    assert lr_factor(52, total, warmup, 0.05) == pytest.approx(0.525, abs=0.01)
    assert lr_factor(100, total, warmup, 0.05) == pytest.approx(0.05)


def test_micro_batch_plan_is_whole_steps_and_deterministic() -> None:
    lengths = list(range(1, 104))
    plan = micro_batch_plan(lengths, micro=4, per_step=3, epochs=2, seed=0)
    assert len(plan) % 3 == 0 and all(len(b) == 4 for b in plan)
    assert len(plan) == 2 * (103 // 4) - (2 * (103 // 4)) % 3
    assert plan == micro_batch_plan(lengths, micro=4, per_step=3, epochs=2, seed=0)


def test_config_file_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump({"lr": 3e-5, "loss": {"lm_weight": 0.25}, "betas": [0.9, 0.9]}))
    cfg = TrainConfig.from_file(path, model="m", pairs="x.parquet", lr=None)
    assert cfg.lr == 3e-5 and cfg.loss.lm_weight == 0.25 and cfg.betas == (0.9, 0.9)
    assert cfg.pairs == ["x.parquet"] and cfg.weight_decay == 0.1
    path.write_text("lrr: 1\n")
    with pytest.raises(ValueError, match=r"unknown key.*lrr"):
        TrainConfig.from_file(path)
    shipped = TrainConfig.from_file(REPO / "rm" / "configs" / "themis_code_stage.yaml")
    assert shipped.loss.magnitude_form == "absolute" and shipped.global_batch_size == 512


def _tiny_config(model: Path, files: tuple[Path, Path], out: Path, **kw) -> TrainConfig:
    base = dict(
        model=str(model),
        pairs=[str(files[0])],
        eval_pairs=str(files[1]),
        out=str(out),
        max_length=384,
        micro_batch_size=4,
        global_batch_size=8,
        lr=1e-3,
        min_lr=1e-4,
        warmup_ratio=0.0,
        loss=LossConfig(lm_weight=0.25, magnitude_weight=0.01, magnitude_form="absolute"),
        log_steps=1,
        max_steps=4,
        seed=11,
    )
    base.update(kw)
    return TrainConfig(**base)


def test_causal_training_with_lm_loss_logs_and_saves(
    tiny_qwen3: Path, smoke_files: tuple[Path, Path], tmp_path: Path
) -> None:
    result = train(_tiny_config(tiny_qwen3, smoke_files, tmp_path / "run"))
    assert result.steps == 4 and result.pairs_seen == 32
    records = [json.loads(x) for x in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    steps = [r for r in records if "loss" in r]
    assert [r["step"] for r in steps] == [1, 2, 3, 4]
    for r in steps:
        assert r["lm"] > 0 and r["bt"] > 0
        expected = r["bt"] + 0.25 * r["lm"] + 0.01 * r["magnitude"]
        assert r["loss"] == pytest.approx(expected, rel=1e-4)
    assert steps[-1]["lm"] < steps[0]["lm"]  # the LM head trains on chosen responses
    assert steps[0]["lr"] > steps[-1]["lr"] >= 1e-4
    evals = [r for r in records if "eval" in r]
    assert evals[-1]["eval"]["overall"]["count"] == 24
    assert "Python" in evals[-1]["eval"]["by_language"]
    summary = json.loads((tmp_path / "run" / "codepref_train.json").read_text())
    assert summary["accumulation"] == 2 and summary["world_size"] == 1
    kinds = pl.read_parquet(tmp_path / "run" / "system_prompts.parquet")
    assert kinds.height == 64 and set(kinds["system_kind"]) <= {"none", "aspect", "all"}
    assert (tmp_path / "run" / "model.safetensors").is_file()
    assert (tmp_path / "run" / "lm_head.safetensors").is_file()


def test_resume_reproduces_an_uninterrupted_run(
    tiny_qwen3: Path, smoke_files: tuple[Path, Path], tmp_path: Path
) -> None:
    straight = tmp_path / "straight"
    train(_tiny_config(tiny_qwen3, smoke_files, straight, eval_pairs=None, save_steps=2))
    assert (straight / "checkpoints" / "step-2").is_dir()
    resumed = tmp_path / "resumed"
    resumed.mkdir()
    (resumed / "checkpoints").mkdir()
    os.rename(straight / "checkpoints" / "step-2", resumed / "checkpoints" / "step-2")
    result = train(
        _tiny_config(tiny_qwen3, smoke_files, resumed, eval_pairs=None, save_steps=2, resume=True)
    )
    assert result.steps == 4 and result.pairs_seen == 16  # only steps 3 and 4 ran
    a = load_file(str(straight / "model.safetensors"))
    b = load_file(str(resumed / "model.safetensors"))
    assert a.keys() == b.keys()
    for key in a:
        torch.testing.assert_close(a[key], b[key], atol=1e-6, rtol=1e-5)


def test_gradient_checkpointing_gives_the_same_step(
    tiny_qwen3: Path, smoke_files: tuple[Path, Path], tmp_path: Path
) -> None:
    kw = dict(eval_pairs=None, max_steps=2)
    train(_tiny_config(tiny_qwen3, smoke_files, tmp_path / "plain", **kw))
    from rm.reward_trainer import RewardTrainer

    trainer = RewardTrainer(
        _tiny_config(tiny_qwen3, smoke_files, tmp_path / "ckpt", gradient_checkpointing=True, **kw)
    )
    assert trainer.model.seq_cls.is_activation_checkpointing
    trainer.run()
    a = load_file(str(tmp_path / "plain" / "model.safetensors"))
    b = load_file(str(tmp_path / "ckpt" / "model.safetensors"))
    for key in a:
        torch.testing.assert_close(a[key], b[key], atol=1e-5, rtol=1e-4)


def test_encoder_run_resumes_and_saves_a_reward_checkpoint(
    tiny_bert: Path, smoke_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """An encoder run resumes like a causal one, and its checkpoint is codepref's encoder
    class with the trained head, which a second stage loads as its starting point."""
    from rm.encoder_reward import MODEL_TYPE
    from rm.model import RewardModel

    kw = dict(eval_pairs=None, save_steps=1, max_steps=2, loss=LossConfig(magnitude_weight=0.01))
    straight = tmp_path / "straight"
    train(_tiny_config(tiny_bert, smoke_files, straight, **kw))
    resumed = tmp_path / "resumed"
    (resumed / "checkpoints").mkdir(parents=True)
    os.rename(straight / "checkpoints" / "step-1", resumed / "checkpoints" / "step-1")
    result = train(_tiny_config(tiny_bert, smoke_files, resumed, resume=True, **kw))
    assert result.steps == 2 and result.pairs_seen == 8  # only step 2 ran
    a = load_file(str(straight / "model.safetensors"))
    b = load_file(str(resumed / "model.safetensors"))
    assert a.keys() == b.keys() and "score.weight" in a
    assert not any("pooler" in key for key in a)
    for key in a:
        torch.testing.assert_close(a[key], b[key], atol=1e-6, rtol=1e-5)
    assert json.loads((straight / "config.json").read_text())["model_type"] == MODEL_TYPE
    assert (straight / "encoder_reward.py").is_file()
    second = RewardModel.from_pretrained(straight)
    assert torch.count_nonzero(a["score.weight"]) > 0
    torch.testing.assert_close(second.seq_cls.score.weight.detach(), a["score.weight"])


def test_head_lr_moves_the_zero_head_at_its_own_rate(
    tiny_bert: Path, smoke_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """One Adam step moves each parameter by about its group's rate: the zero head moves by
    ``head_lr`` while the backbone, at a fine-tuning ``lr``, barely changes. (At one shared
    rate a short demo run either left the head at zero or collapsed the encoder.)"""
    from rm.model import RewardModel

    head_lr, lr = 1e-2, 1e-6
    kw = dict(eval_pairs=None, max_steps=1, lr=lr, min_lr=0.0, loss=LossConfig())
    train(_tiny_config(tiny_bert, smoke_files, tmp_path / "run", head_lr=head_lr, **kw))
    after = load_file(str(tmp_path / "run" / "model.safetensors"))
    head_step = after["score.weight"].abs()
    assert head_step.max() == pytest.approx(head_lr, rel=0.05)
    assert head_step.median() > head_lr / 2  # every coordinate moved, not a few
    before = RewardModel.from_pretrained(tiny_bert).seq_cls.state_dict()
    moved = max((after[k] - before[k]).abs().max().item() for k in after if k != "score.weight")
    assert moved <= 2 * lr


def test_encoder_with_lm_weight_is_refused(
    minilm_path: Path, smoke_files: tuple[Path, Path], tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="causal LM"):
        train(_tiny_config(minilm_path, smoke_files, tmp_path / "x"))


def test_global_batch_must_divide(
    tiny_qwen3: Path, smoke_files: tuple[Path, Path], tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="not a multiple"):
        train(_tiny_config(tiny_qwen3, smoke_files, tmp_path / "x", global_batch_size=6))


@pytest.mark.slow
def test_minilm_smoke_run_learns_held_out_pairs(minilm_path: Path, tmp_path: Path) -> None:
    """The bundled pretrained MiniLM learns intact-vs-broken code on real site-packages
    functions: held-out accuracy >= 0.8 after 32 CPU steps of 16 pairs."""
    from tests.fixtures.smoke_pairs import write_train_eval

    files = write_train_eval(tmp_path / "data", 512, 160, seed=0)
    cfg = TrainConfig.from_file(
        REPO / "rm" / "configs" / "smoke_minilm.yaml",
        model=str(minilm_path),
        pairs=[str(files[0])],
        eval_pairs=str(files[1]),
        out=str(tmp_path / "run"),
    )
    result = train(cfg)
    assert result.steps == 32
    overall = result.eval_report["overall"]
    assert overall["count"] == 160
    assert overall["accuracy"] >= 0.8, result.eval_report


@pytest.mark.slow
def test_two_process_ddp_on_cpu(
    tiny_qwen3: Path, smoke_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """`codepref train` under torchrun with 2 gloo processes, LM loss on."""
    config = tmp_path / "ddp.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "max_length": 384,
                "micro_batch_size": 2,
                "global_batch_size": 8,
                "max_steps": 3,
                "lr": 1e-3,
                "loss": {"lm_weight": 0.25, "magnitude_weight": 0.01},
                "log_steps": 1,
            }
        )
    )
    out = tmp_path / "run"
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc_per_node",
        "2",
        "--master_port",
        "29517",
        "-m",
        "pipelines.cli",
        "train",
        "--pairs",
        str(smoke_files[0]),
        "--eval-pairs",
        str(smoke_files[1]),
        "--model",
        str(tiny_qwen3),
        "--out",
        str(out),
        "--config",
        str(config),
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    summary = json.loads((out / "codepref_train.json").read_text())
    assert summary["world_size"] == 2 and summary["accumulation"] == 2
    assert summary["steps"] == 3 and summary["pairs_seen"] == 24
    assert summary["eval"]["overall"]["count"] == 24  # shards gathered, padding removed
    assert (out / "model.safetensors").is_file()


gpu = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@pytest.mark.gpu
@gpu
def test_bf16_with_gradient_checkpointing_on_gpu(
    tiny_qwen3: Path, smoke_files: tuple[Path, Path], tmp_path: Path
) -> None:
    from rm.reward_trainer import RewardTrainer

    cfg = _tiny_config(
        tiny_qwen3, smoke_files, tmp_path / "gpu", bf16=True, gradient_checkpointing=True
    )
    trainer = RewardTrainer(cfg)
    assert trainer.accelerator.mixed_precision == "bf16"
    result = trainer.run()
    assert result.steps == 4 and result.eval_report["overall"]["count"] == 24


@pytest.mark.gpu
@gpu
def test_flash_attention_on_gpu(
    tiny_qwen3: Path, smoke_files: tuple[Path, Path], tmp_path: Path
) -> None:
    pytest.importorskip("flash_attn", reason="flash-attn not installed")
    cfg = _tiny_config(
        tiny_qwen3, smoke_files, tmp_path / "fa", bf16=True, attn_implementation="flash_attention_2"
    )
    assert train(cfg).steps == 4


@pytest.mark.gpu
@pytest.mark.skipif(torch.cuda.device_count() < 2, reason="FSDP2 needs at least 2 CUDA devices")
def test_fsdp2_config_runs(
    tiny_qwen3: Path, smoke_files: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "fsdp"
    cmd = [
        sys.executable, "-m", "accelerate.commands.launch",
        "--config_file", str(REPO / "rm" / "configs" / "fsdp2.yaml"),
        "--num_processes", "2",
        "-m", "pipelines.cli", "train",
        "--pairs", str(smoke_files[0]), "--model", str(tiny_qwen3), "--out", str(out),
        "--max-steps", "2", "--micro-batch-size", "2", "--global-batch-size", "4",
    ]  # fmt: skip
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert (out / "model.safetensors").is_file()


def test_default_max_length_is_clamped_to_the_encoder_positions(
    tiny_bert: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Default settings (max_length 4096) on a 512-position BERT with pairs far longer than
    512 tokens: no position-embedding crash, the responses are truncated and counted."""
    long_body = "\n".join(f"    total = total + value_{i} * {i}" for i in range(200))
    rows = [
        {
            "id": f"long-{i}",
            "prompt": "Add up the values.",
            "chosen": f"def add():\n    total = 0\n{long_body}\n    return total  # {i}\n",
            "rejected": f"def add():\n    return {i}\n",
            "language": "Python",
            "aspect": "Functional_Correctness",
        }
        for i in range(8)
    ]
    pairs = tmp_path / "pairs.parquet"
    pl.DataFrame(rows).write_parquet(pairs)
    config = TrainConfig(
        model=str(tiny_bert),
        pairs=[str(pairs)],
        out=str(tmp_path / "run"),
        micro_batch_size=4,
        global_batch_size=8,
        max_steps=1,
        loss=LossConfig(lm_weight=0.0),
    )
    assert config.max_length == 4096
    with caplog.at_level("WARNING", logger="curation.pairs.render"):
        result = train(config)
    assert result.steps == 1
    stats = json.loads((tmp_path / "run" / "data_stats.json").read_text())
    assert stats["max_length"] == 512
    assert stats["truncated_chosen"] == 8 and stats["truncated_rejected"] == 0
    assert sum("using 512" in record.getMessage() for record in caplog.records) == 1
