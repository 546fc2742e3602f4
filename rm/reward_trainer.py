"""Bradley-Terry reward-model training with Accelerate (CPU, one GPU, DDP, FSDP2).

The loop is written out rather than delegated to ``transformers.Trainer`` because the
published recipe needs three things that Trainer does not give together: the chosen and
rejected sequences in one forward pass, an LM loss on the chosen response only, and
length-grouped batches that every rank and a resumed run replay identically. Distribution is
Accelerate's job: plain ``codepref train`` runs one process (CPU or one GPU);
``accelerate launch --config_file rm/configs/{ddp,fsdp2}.yaml -m pipelines.cli train ...``
runs DDP or FSDP2 on GPUs; ``torchrun --nproc_per_node N -m pipelines.cli train ...`` runs
DDP over gloo on CPU (tested with 2 processes).
"""

from __future__ import annotations

import json
import logging
import math
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import torch
from accelerate import Accelerator
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from transformers import AutoTokenizer

from curation.pairs.files import read_pairs
from curation.pairs.render import EncodedPair, PairRenderer, clamp_max_length
from curation.pairs.system import SystemPromptShares, with_system_prompts
from rm.batching import collate
from rm.losses import reward_loss
from rm.model import RewardModel, ensure_pad_token, resize_for_tokenizer
from rm.reward_config import TrainConfig
from rm.schedule import lr_factor, micro_batch_plan
from rm.score import accuracy_report, score_encoded, scores_frame

logger = logging.getLogger(__name__)

CHECKPOINTS = "checkpoints"
STATE_FILE = "trainer_state.json"
METRICS_FILE = "metrics.jsonl"


@dataclass
class TrainResult:
    """What a run did: steps, throughput over the training loop, last evaluation."""

    steps: int
    pairs_seen: int
    tokens_seen: int
    train_seconds: float
    eval_report: dict | None
    out: Path
    step_seconds: list[float] = field(default_factory=list)

    @property
    def pairs_per_second(self) -> float:
        return self.pairs_seen / self.train_seconds if self.train_seconds else 0.0

    @property
    def tokens_per_second(self) -> float:
        return self.tokens_seen / self.train_seconds if self.train_seconds else 0.0


class RewardTrainer:
    """One training run: data, model and optimiser set up once, then :meth:`run`."""

    def __init__(self, config: TrainConfig) -> None:
        if not config.model or not config.pairs:
            raise ValueError("a run needs `model` and `pairs`")
        self.config = config
        use_bf16 = config.bf16 and torch.cuda.is_available()
        # cpu=True without CUDA: Accelerate then treats a torchrun launch as MULTI_CPU (gloo).
        self.accelerator = Accelerator(
            mixed_precision="bf16" if use_bf16 else "no", cpu=not torch.cuda.is_available()
        )
        world = self.accelerator.num_processes
        per_rank_step = config.micro_batch_size * world
        if config.global_batch_size % per_rank_step:
            raise ValueError(
                f"global_batch_size {config.global_batch_size} is not a multiple of "
                f"micro_batch_size x processes = {per_rank_step}"
            )
        self.accumulation = config.global_batch_size // per_rank_step
        self.out = Path(config.out)
        torch.manual_seed(config.seed)

        # Read the pairs before the model: a wrong path fails at once, not after a download.
        self.train_frame = read_pairs(config.pairs, split=config.split)
        self.tokenizer = AutoTokenizer.from_pretrained(config.model)
        added = ensure_pad_token(self.tokenizer)
        self.model = RewardModel.from_pretrained(
            config.model, attn_implementation=config.attn_implementation, pooling=config.pooling
        )
        if added:
            resize_for_tokenizer(self.model, self.tokenizer)
        self.model.config.pad_token_id = self.tokenizer.pad_token_id
        if config.loss.lm_weight > 0 and self.model.lm_head is None:
            raise ValueError(f"{config.model}: lm_weight > 0 needs a causal LM backbone")
        if config.loss.lm_weight == 0 and self.model.lm_head is not None:
            # An untied LM head gets no gradient without the LM loss; freeze it so DDP does
            # not wait for one. A tied head is the input embedding and keeps training.
            tied = self.model.lm_head.weight is self._embedding()
            self.model.lm_head.requires_grad_(tied)
        if config.gradient_checkpointing:
            seq_cls = self.model.seq_cls
            if hasattr(seq_cls, "activation_checkpointing_enable"):  # transformers >= 5
                seq_cls.activation_checkpointing_enable({"use_reentrant": False})
            else:
                seq_cls.gradient_checkpointing_enable({"use_reentrant": False})

        self.max_length = clamp_max_length(config.max_length, self.model.config, self.tokenizer)
        self.formatter = PairRenderer(self.tokenizer, self.max_length)
        self.train_pairs, self.data_stats = self._load_train()
        self.eval_pairs = self._load_eval()
        lengths = [p.length for p in self.train_pairs]
        self.plan = micro_batch_plan(
            lengths, config.micro_batch_size, world * self.accumulation, config.epochs, config.seed
        )
        self.total_steps = len(self.plan) // (world * self.accumulation)
        if config.max_steps is not None:
            self.total_steps = min(self.total_steps, config.max_steps)
        if self.total_steps < 1:
            raise ValueError(
                f"{len(self.train_pairs)} pairs make no full step of {config.global_batch_size}"
            )

        self.optimizer = torch.optim.AdamW(
            self._param_groups(),
            lr=config.lr,
            betas=config.betas,
            weight_decay=config.weight_decay,
        )
        warmup = round(config.warmup_ratio * self.total_steps)
        min_ratio = config.min_lr / config.lr if config.lr else 0.0
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer, lambda s: lr_factor(s, self.total_steps, warmup, min_ratio)
        )
        self.prepared, self.optimizer = self.accelerator.prepare(self.model, self.optimizer)
        self.step = 0

    # ------------------------------------------------------------------ setup helpers
    def _embedding(self) -> torch.Tensor:
        return self.model.seq_cls.get_input_embeddings().weight

    def _param_groups(self) -> list[dict]:
        """Weight decay on matrices only: biases, norms and the scalar head's bias are exempt.
        The score head gets ``head_lr`` (and no decay, which would pull it back to zero)."""
        head = {id(p) for p in self.model.seq_cls.score.parameters()}
        decay, no_decay, head_params, seen = [], [], [], set()
        for name, param in self.model.named_parameters():
            if not param.requires_grad or id(param) in seen:
                continue
            seen.add(id(param))
            if id(param) in head and self.config.head_lr is not None:
                head_params.append(param)
            elif param.ndim < 2 or "norm" in name.lower():
                no_decay.append(param)
            else:
                decay.append(param)
        groups = [
            {"params": decay, "weight_decay": self.config.weight_decay},
            {"params": no_decay, "weight_decay": 0.0},
        ]
        if head_params:
            groups.append({"params": head_params, "weight_decay": 0.0, "lr": self.config.head_lr})
        return groups

    def _load_train(self) -> tuple[list[EncodedPair], dict]:
        config = self.config
        frame = self.train_frame
        shares = SystemPromptShares(*config.system_shares)
        frame = with_system_prompts(frame, shares, config.seed)
        pairs, stats = self.formatter.encode(frame)
        summary = {
            **stats.as_dict(),
            "max_length": self.max_length,
            "system_kinds": dict(frame["system_kind"].value_counts().iter_rows()),
        }
        if self.accelerator.is_main_process:
            self.out.mkdir(parents=True, exist_ok=True)
            frame.select("id", "system_kind", "system").write_parquet(
                self.out / "system_prompts.parquet"
            )
            (self.out / "data_stats.json").write_text(json.dumps(summary, indent=2))
        logger.info("training pairs: %s", summary)
        return pairs, summary

    def _load_eval(self) -> list[EncodedPair]:
        if not self.config.eval_pairs:
            return []
        frame = with_system_prompts(read_pairs(self.config.eval_pairs), self.config.eval_system)
        pairs, stats = self.formatter.encode(frame)
        if stats.dropped:
            logger.warning("held-out pairs dropped: %s", dict(stats.dropped))
        return pairs

    # ------------------------------------------------------------------ training
    def run(self) -> TrainResult:
        """Train to ``total_steps`` (resuming if asked), evaluate, save the reward model."""
        config, acc = self.config, self.accelerator
        if config.resume:
            self._resume()
        elif acc.is_main_process:
            # A fresh start (the same run again, or --overwrite) logs its own steps only.
            (self.out / METRICS_FILE).unlink(missing_ok=True)
        world, rank = acc.num_processes, acc.process_index
        pairs_seen = tokens_seen = 0
        train_seconds = 0.0
        step_seconds: list[float] = []
        report = None
        self.prepared.train()
        progress = Progress(
            TextColumn("[bold]train"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} steps {task.fields[info]}"),
            TimeRemainingColumn(),
            disable=not acc.is_main_process,
        )
        with progress:
            task = progress.add_task("train", total=self.total_steps, completed=self.step, info="")
            while self.step < self.total_steps:
                started = time.perf_counter()
                first = self.step * world * self.accumulation
                logs = []
                for a in range(self.accumulation):
                    batch_pairs = [self.train_pairs[i] for i in self.plan[first + a * world + rank]]
                    last = a == self.accumulation - 1
                    with acc.no_sync(self.prepared) if not last else nullcontext():
                        logs.append(self._micro_step(batch_pairs))
                grad_norm = acc.clip_grad_norm_(self.prepared.parameters(), config.max_grad_norm)
                self.optimizer.step()
                self.scheduler.step()
                self.optimizer.zero_grad(set_to_none=True)
                self.step += 1
                step_pairs = sum(int(x["pairs"]) for x in logs)
                step_tokens = sum(int(x["tokens"]) for x in logs)
                totals = acc.reduce(
                    torch.tensor([step_pairs, step_tokens], device=acc.device), "sum"
                )
                pairs_seen += int(totals[0])
                tokens_seen += int(totals[1])
                step_seconds.append(time.perf_counter() - started)
                train_seconds += step_seconds[-1]
                if self.step % max(1, config.log_steps) == 0 or self.step == self.total_steps:
                    record = self._log_record(logs, grad_norm, pairs_seen, train_seconds)
                    progress.update(task, info=f"loss {record['loss']:.4f} acc {record['acc']:.3f}")
                    self._write_metrics(record)
                progress.update(task, completed=self.step)
                if config.eval_steps and self.step % config.eval_steps == 0:
                    report = self.evaluate()
                if config.save_steps and self.step % config.save_steps == 0:
                    self._save_checkpoint()
        if self.eval_pairs and (not config.eval_steps or self.step % config.eval_steps):
            report = self.evaluate()
        result = TrainResult(
            steps=self.step,
            pairs_seen=pairs_seen,
            tokens_seen=tokens_seen,
            train_seconds=train_seconds,
            eval_report=report,
            out=self.out,
            step_seconds=step_seconds,
        )
        self._save_final(result)
        return result

    def _micro_step(self, pairs: list[EncodedPair]) -> dict[str, torch.Tensor | int]:
        """Forward chosen and rejected together, backward the scaled loss, return log values."""
        config = self.config
        with_lm = config.loss.lm_weight > 0
        batch = collate(pairs, self.tokenizer.pad_token_id, with_lm=with_lm)
        device = self.accelerator.device
        out = self.prepared(
            input_ids=batch["input_ids"].to(device),
            attention_mask=batch["attention_mask"].to(device),
            lm_positions=batch["lm_positions"].to(device) if with_lm else None,
        )
        rewards = out.rewards.float()
        chosen, rejected = rewards[: len(pairs)], rewards[len(pairs) :]
        parts = reward_loss(
            chosen,
            rejected,
            config.loss,
            out.lm_logits,
            batch["lm_labels"].to(device) if with_lm else None,
        )
        self.accelerator.backward(parts.total / self.accumulation)
        with torch.no_grad():
            return {
                "loss": parts.total.detach(),
                "bt": parts.bt.detach(),
                "lm": parts.lm.detach() if parts.lm is not None else torch.zeros(()),
                "magnitude": parts.magnitude.detach(),
                "acc": (chosen > rejected).float().mean(),
                "margin": (chosen - rejected).mean(),
                "reward_mean": rewards.mean(),
                "reward_std": rewards.std() if rewards.numel() > 1 else torch.zeros(()),
                "pairs": len(pairs),
                "tokens": int(batch["attention_mask"].sum()),
            }

    def _log_record(
        self, logs: list[dict], grad_norm: torch.Tensor, pairs_seen: int, seconds: float
    ) -> dict:
        keys = ("loss", "bt", "lm", "magnitude", "acc", "margin", "reward_mean", "reward_std")
        device = self.accelerator.device
        local = torch.stack(
            [torch.stack([x[k].to(device).float() for x in logs]).mean() for k in keys]
        )
        means = self.accelerator.reduce(local, "mean").tolist()
        record = dict(zip(keys, means, strict=True))
        record.update(
            step=self.step,
            lr=self.scheduler.get_last_lr()[0],
            grad_norm=float(grad_norm),
            pairs_per_s=pairs_seen / seconds if seconds else 0.0,
        )
        return record

    def _write_metrics(self, record: dict) -> None:
        if not self.accelerator.is_main_process:
            return
        self.out.mkdir(parents=True, exist_ok=True)
        with (self.out / METRICS_FILE).open("a") as fh:
            fh.write(json.dumps(record) + "\n")

    # ------------------------------------------------------------------ evaluation
    def evaluate(self) -> dict:
        """Accuracy on the held-out pairs, sharded over ranks (equal shard sizes, so that
        FSDP ranks run the same number of forward passes), written as the CRB run format."""
        acc = self.accelerator
        world, rank = acc.num_processes, acc.process_index
        n = len(self.eval_pairs)
        per_rank = math.ceil(n / world)
        padded = [i % n for i in range(per_rank * world)]
        mine = padded[rank::world]
        model = self.prepared
        was_training = model.training
        model.eval()

        def reward_fn(input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            with acc.autocast():
                return model(input_ids=input_ids, attention_mask=attention_mask).rewards

        chosen, rejected = score_encoded(
            reward_fn,
            [self.eval_pairs[i] for i in mine],
            self.tokenizer.pad_token_id,
            self.config.eval_batch_size,
            acc.device,
        )
        gathered = acc.gather_for_metrics(
            list(zip(mine, chosen, rejected, strict=True)), use_gather_object=True
        )
        model.train(was_training)
        by_index = {i: (c, r) for i, c, r in gathered}
        order = sorted(by_index)
        frame = scores_frame(
            [self.eval_pairs[i] for i in order],
            [by_index[i][0] for i in order],
            [by_index[i][1] for i in order],
        )
        report = accuracy_report(frame)
        if acc.is_main_process:
            eval_dir = self.out / "eval"
            eval_dir.mkdir(parents=True, exist_ok=True)
            frame.write_parquet(eval_dir / f"scores-step{self.step}.parquet")
            self._write_metrics({"step": self.step, "eval": report})
            acc.print(f"step {self.step}: held-out accuracy {report['overall']['accuracy']:.4f}")
        return report

    # ------------------------------------------------------------------ checkpoints
    def _save_checkpoint(self) -> None:
        path = self.out / CHECKPOINTS / f"step-{self.step}"
        self.accelerator.save_state(str(path), safe_serialization=False)
        if self.accelerator.is_main_process:
            state = {"step": self.step, "scheduler": self.scheduler.state_dict()}
            (path / STATE_FILE).write_text(json.dumps(state))
        self.accelerator.wait_for_everyone()

    def _resume(self) -> None:
        root = self.out / CHECKPOINTS
        done = [p for p in root.glob("step-*") if (p / STATE_FILE).is_file()]
        if not done:
            logger.info("no checkpoint under %s; starting from step 0", root)
            return
        latest = max(done, key=lambda p: int(p.name.split("-")[1]))
        self.accelerator.load_state(str(latest))
        state = json.loads((latest / STATE_FILE).read_text())
        self.scheduler.load_state_dict(state["scheduler"])
        self.step = int(state["step"])
        self.accelerator.print(f"resumed from {latest} at step {self.step}")

    def _save_final(self, result: TrainResult) -> None:
        acc = self.accelerator
        acc.wait_for_everyone()
        state_dict = acc.get_state_dict(self.prepared)
        if acc.is_main_process:
            unwrapped = acc.unwrap_model(self.prepared)
            unwrapped.save(self.out, self.tokenizer, state_dict)
            summary = {
                "config": self.config.to_dict(),
                "world_size": acc.num_processes,
                "accumulation": self.accumulation,
                "steps": result.steps,
                "pairs_seen": result.pairs_seen,
                "tokens_seen": result.tokens_seen,
                "train_seconds": result.train_seconds,
                "pairs_per_second": result.pairs_per_second,
                "tokens_per_second": result.tokens_per_second,
                "data": self.data_stats,
                "eval": result.eval_report,
            }
            (self.out / "codepref_train.json").write_text(json.dumps(summary, indent=2))
        acc.wait_for_everyone()


def train(config: TrainConfig) -> TrainResult:
    """Run one training job end to end."""
    return RewardTrainer(config).run()
