"""The typed configuration of a reward-model training run (TRL's ``*_config.py`` beside
``*_trainer.py``): what a YAML file or the ``codepref train`` flags map onto."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from rm.losses import LossConfig


@dataclass
class TrainConfig:
    """Everything a run needs; the defaults are the published code stage scaled to a laptop.

    Batch sizes count pairs: ``micro_batch_size`` per device per forward pass (2x that many
    sequences), ``global_batch_size`` per optimizer step across devices and accumulation.
    """

    model: str = ""
    pairs: list[str] = field(default_factory=list)
    out: str = "out/rm"
    eval_pairs: str | None = None
    split: str | None = None
    max_length: int = 4096
    micro_batch_size: int = 4
    global_batch_size: int = 32
    epochs: int = 1
    max_steps: int | None = None
    lr: float = 1e-5
    # The zero-initialised score head's own peak rate (None: ``lr``). Under Adam a parameter
    # moves about ``lr`` per step, so at a backbone's fine-tuning rate a zero head stays near
    # zero for a short run and passes the backbone almost no gradient; raising ``lr`` for
    # everything instead collapses a small encoder (every sequence gets the same hidden state).
    head_lr: float | None = None
    # What the score head of an encoder backbone reads: "last" (the final token) or "mean"
    # (the mean of the attended states); None keeps a checkpoint's own, "last" for a base.
    pooling: str | None = None
    min_lr: float = 5e-7
    warmup_ratio: float = 0.05
    betas: tuple[float, float] = (0.9, 0.95)
    weight_decay: float = 0.1
    max_grad_norm: float = 1.5
    loss: LossConfig = field(default_factory=LossConfig)
    system_shares: tuple[float, float, float] = (0.15, 0.60, 0.25)
    eval_system: str = "aspect"
    seed: int = 0
    bf16: bool = True
    gradient_checkpointing: bool = False
    attn_implementation: str | None = None
    log_steps: int = 10
    eval_steps: int = 0
    save_steps: int = 0
    eval_batch_size: int = 16
    resume: bool = False

    @classmethod
    def from_file(cls, path: str | Path, **overrides) -> TrainConfig:
        """Read a YAML/JSON config; keyword overrides (from the CLI) win over the file."""
        data = yaml.safe_load(Path(path).read_text()) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path}: a config file must hold a mapping")
        data.update({k: v for k, v in overrides.items() if v is not None})
        return cls.from_dict(data, origin=str(path))

    @classmethod
    def from_dict(cls, data: dict, origin: str = "config") -> TrainConfig:
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"{origin}: unknown key(s) {', '.join(unknown)}")
        data = dict(data)
        if isinstance(data.get("loss"), dict):
            data["loss"] = LossConfig(**data["loss"])
        if isinstance(data.get("pairs"), str):
            data["pairs"] = [data["pairs"]]
        for key in ("betas", "system_shares"):
            if key in data:
                data[key] = tuple(data[key])
        return cls(**data)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)
