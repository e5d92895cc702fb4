// train.py of an exported project: the task-independent part (data loading, Trainer set-up, outputs).
export const TRAIN_PY = String.raw`#!/usr/bin/env python3
"""Fine-tunes the exported BERT Studio run with Hugging Face Trainer.

    python3 train.py --output_dir out

Settings come from run_config.json; the data in data/ is already tokenized exactly as the studio
tokenized it, so no tokenizer version can change the windows or labels.
"""
import argparse
import json
import os
import shutil
from pathlib import Path

import torch
from safetensors.torch import load_file
from torch.utils.data import Dataset, Sampler, SequentialSampler
from transformers import Trainer, TrainingArguments

import task

HERE = Path(__file__).resolve().parent
TOKENIZER_FILES = ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")


class WindowDataset(Dataset):
    """Rows of a safetensors file of pre-tokenized windows, as int64 tensors the model takes."""

    def __init__(self, path, columns):
        tensors = load_file(str(path))
        missing = [c for c in columns if c not in tensors]
        if missing:
            raise SystemExit(f"{path} lacks the column(s) {', '.join(missing)}")
        self.columns = {c: tensors[c].long() for c in columns}
        self.size = next(iter(self.columns.values())).shape[0]

    def __len__(self):
        return self.size

    def __getitem__(self, i):
        return {c: t[i] for c, t in self.columns.items()}


class StudioOrderSampler(Sampler):
    """The studio's shuffled order: row e of order is the permutation of epoch e."""

    def __init__(self, order):
        self.order = order
        self.epoch = 0

    def set_epoch(self, epoch):
        self.epoch = epoch

    def __len__(self):
        return self.order.shape[1]

    def __iter__(self):
        perm = self.order[min(self.epoch, self.order.shape[0] - 1)]
        self.epoch += 1
        return iter(perm.tolist())


class StudioTrainer(Trainer):
    """Trainer with the studio's conventions where they differ from the defaults."""

    def __init__(self, *args, shuffle=True, order=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.shuffle = shuffle
        self.order = order
        # The loss is the mean over each micro-batch's rows, averaged over the step's micro-batches.
        self.model_accepts_loss_kwargs = False

    def _get_train_sampler(self, *args, **kwargs):
        if not self.shuffle:
            return SequentialSampler(self.train_dataset)
        if self.order is not None:
            return StudioOrderSampler(self.order)
        return super()._get_train_sampler(*args, **kwargs)

    def get_decay_parameter_names(self, model):
        # The studio decays every weight except biases and LayerNorm parameters.
        return [n for n, _ in model.named_parameters() if not (n.endswith(".bias") or "LayerNorm" in n)]


def warmup_setting(ratio, total_steps):
    """TrainingArguments.warmup_steps: a float in [0, 1) is a ratio of the total steps."""
    if ratio <= 0:
        return 0
    if ratio < 1:
        return ratio
    return int(total_steps) if total_steps else 1


def main():
    cfg = json.loads((HERE / "run_config.json").read_text())
    hp = cfg["hyperparameters"]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output_dir", required=True, help="where the model, trainer_state.json and metrics go")
    parser.add_argument("--model", default=None, help="model folder or Hub id to start from instead of the exported one")
    parser.add_argument("--max_steps", type=int, default=None, help="stop after this many optimizer steps")
    parser.add_argument("--no_eval", action="store_true", help="skip evaluation")
    parser.add_argument("--bf16", action="store_true", help="bfloat16 mixed precision (changes the numbers slightly)")
    parser.add_argument("--fp16", action="store_true", help="float16 mixed precision (changes the numbers slightly)")
    parser.add_argument("--cpu", action="store_true", help="train on the CPU even when a GPU is present")
    args = parser.parse_args()

    source = args.model or cfg["model"]["path"] or cfg["model"]["hub_id"]
    local = HERE / source
    if local.is_dir():
        source = str(local)
    overrides = {} if hp["dropout"] else {k: 0.0 for k in task.DROPOUT_FIELDS}
    model = task.load_model(source, **overrides)

    train_dataset = WindowDataset(HERE / cfg["data"]["train_file"], task.COLUMNS)
    order = None
    if hp["shuffle"] and cfg["data"].get("train_order"):
        order = load_file(str(HERE / cfg["data"]["train_order"]))["order"]
    eval_dataset = None
    if cfg["data"].get("eval_file") and not args.no_eval:
        eval_dataset = WindowDataset(HERE / cfg["data"]["eval_file"], task.COLUMNS)
    max_steps = args.max_steps if args.max_steps is not None else hp["max_steps"]
    eval_strategy = hp.get("eval_strategy", "steps" if hp["eval_steps"] > 0 else "end")
    if eval_dataset is None or eval_strategy == "end":
        eval_strategy = "no"

    # Several CPU processes (torchrun without GPUs) need use_cpu to form one distributed run over gloo.
    use_cpu = args.cpu or (int(os.environ.get("WORLD_SIZE", "1")) > 1 and not torch.cuda.is_available())
    training_args = TrainingArguments(
        output_dir=args.output_dir,
        learning_rate=hp["learning_rate"],
        per_device_train_batch_size=hp["per_device_train_batch_size"],
        per_device_eval_batch_size=hp["per_device_train_batch_size"],
        gradient_accumulation_steps=hp["gradient_accumulation_steps"],
        num_train_epochs=hp["num_train_epochs"],
        max_steps=max_steps if max_steps and max_steps > 0 else -1,
        lr_scheduler_type="linear",
        warmup_steps=warmup_setting(hp["warmup_ratio"], max_steps or cfg["studio"]["total_steps"]),
        weight_decay=hp["weight_decay"],
        max_grad_norm=hp["max_grad_norm"],
        adam_beta1=hp["adam_beta1"],
        adam_beta2=hp["adam_beta2"],
        adam_epsilon=hp["adam_epsilon"],
        optim="adamw_torch",
        seed=hp["seed"],
        logging_strategy="steps",
        logging_steps=1,
        eval_strategy=eval_strategy,
        eval_steps=hp["eval_steps"] if eval_strategy == "steps" else None,
        save_strategy="no",
        report_to="none",
        remove_unused_columns=False,
        dataloader_drop_last=False,
        use_cpu=use_cpu,
        bf16=args.bf16,
        fp16=args.fp16,
    )
    trainer = StudioTrainer(
        model=model,
        args=training_args,
        train_dataset=train_dataset,
        eval_dataset=eval_dataset,
        compute_metrics=task.metrics(HERE, cfg) if eval_dataset is not None else None,
        shuffle=hp["shuffle"],
        order=order,
    )
    trainer.train()
    state = trainer.state
    if eval_dataset is not None and not any("eval_loss" in e and e["step"] == state.global_step for e in state.log_history):
        trainer.evaluate()

    # The saved config keeps the model's own dropout rates, whatever this run used.
    for k, v in cfg["model"].get("dropout", {}).items():
        setattr(trainer.model.config, k, v)
    trainer.save_model(args.output_dir)
    trainer.save_state()
    if trainer.is_world_process_zero():
        out = Path(args.output_dir)
        for name in TOKENIZER_FILES:
            if local.is_dir() and (local / name).exists():
                shutil.copy(local / name, out / name)
        if not any((out / n).exists() for n in TOKENIZER_FILES[:2]):
            task.save_tokenizer(source, out)
        shutil.copy(HERE / "run_config.json", out / "run_config.json")
        task.save_outputs(out)
        print(f"wrote {out}/model.safetensors, config.json, trainer_state.json")


if __name__ == "__main__":
    main()
`;
