"""Golden outputs of PyTorch `transformers` for the tfjs BertForSequenceClassification (the MRPC head).

Writes, under src/core/model/golden/:
  model-classification/  config.json + model.safetensors (hidden_act "gelu", two labels)
  classification.json    a fixed batch (B=3, L=12: rows of 12, 7 and 9 real tokens padded to the
                         longest, as dynamic padding does; token types 0/1), labels, and the logits,
                         the mean cross-entropy loss and the gradients of the loss for the pooler, the
                         classifier and one parameter of each other kind, computed by transformers in
                         float32 eval mode.

src/core/model/classification.golden.test.ts compares the TypeScript model with it; it needs no Python.

Run from anywhere, with Node (the repo's npm dependencies) and a Python that has torch and transformers:

    python3 scripts/golden/make_golden_classification.py

The model starts as the output of our own CLI (`npm run -s cli -- init --task mrpc --config
scripts/golden/tiny-gelu.json --seed 11`), loaded with AutoModelForSequenceClassification.from_pretrained
(which proves those files load with no missing or unexpected keys), then every 1-D parameter is moved
away from its init value by a seeded perturbation so a swapped weight/bias changes the numbers.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
import transformers
from transformers import AutoModelForSequenceClassification

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "src" / "core" / "model" / "golden"
SEED = 11
L = 12
USED = (12, 7, 9)
LABELS = [1, 0, 1]
GRADS = [
    "bert.embeddings.word_embeddings.weight",
    "bert.embeddings.token_type_embeddings.weight",
    "bert.embeddings.LayerNorm.weight",
    "bert.encoder.layer.0.attention.self.query.weight",
    "bert.encoder.layer.1.output.dense.bias",
    "bert.encoder.layer.1.output.LayerNorm.weight",
    "bert.pooler.dense.weight",
    "bert.pooler.dense.bias",
    "classifier.weight",
    "classifier.bias",
]


def make_batch(vocab_size: int) -> dict:
    """Token 2 first (a stand-in for [CLS]); the second sentence starts at token 4."""
    rng = np.random.default_rng(SEED)
    input_ids, token_type_ids, attention_mask = [], [], []
    for used in USED:
        ids = [2] + rng.integers(3, vocab_size, size=used - 1).tolist() + [0] * (L - used)
        input_ids.append(ids)
        token_type_ids.append([1 if 4 <= i < used else 0 for i in range(L)])
        attention_mask.append([1 if i < used else 0 for i in range(L)])
    return {"input_ids": input_ids, "token_type_ids": token_type_ids, "attention_mask": attention_mask, "labels": LABELS}


def load(folder: Path):
    model, info = AutoModelForSequenceClassification.from_pretrained(
        folder, dtype=torch.float32, attn_implementation="eager", output_loading_info=True
    )
    problems = {k: v for k, v in info.items() if v}
    if problems:
        sys.exit(f"{folder}: transformers reports {problems}")
    return model.eval()


def floats(t: torch.Tensor) -> list:
    a = t.detach().to(torch.float32).numpy()
    flat = [float(np.format_float_scientific(x, unique=True)) for x in a.reshape(-1)]
    return np.array(flat, dtype=object).reshape(a.shape).tolist() if a.ndim > 1 else flat


def main() -> None:
    transformers.utils.logging.disable_progress_bar()
    torch.manual_seed(SEED)
    out_dir = GOLDEN / "model-classification"
    with tempfile.TemporaryDirectory() as tmp:
        init_dir = Path(tmp) / "init"
        subprocess.run(
            ["npm", "run", "-s", "cli", "--", "init", "--task", "mrpc", "--config",
             str(Path(__file__).parent / "tiny-gelu.json"), "--seed", str(SEED), "--out", str(init_dir)],
            cwd=REPO, check=True, stdout=subprocess.DEVNULL,
        )
        model = load(init_dir)
    gen = torch.Generator().manual_seed(SEED)
    with torch.no_grad():
        for _, p in model.named_parameters():
            if p.dim() == 1:
                p.add_((torch.rand(p.shape, generator=gen) - 0.5) * 0.4)
    model.save_pretrained(out_dir, safe_serialization=True)
    model = load(out_dir)
    assert model.config.problem_type == "single_label_classification"

    batch = make_batch(model.config.vocab_size)
    tensors = {k: torch.tensor(v, dtype=torch.long) for k, v in batch.items()}
    model.zero_grad()
    out = model(**tensors)
    out.loss.backward()
    params = dict(model.named_parameters())
    grads = {n: {"shape": list(params[n].grad.shape), "data": floats(params[n].grad.reshape(-1))} for n in GRADS}
    golden = {
        "generator": "scripts/golden/make_golden_classification.py",
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "model": "model-classification",
        "id2label": {str(k): v for k, v in model.config.id2label.items()},
        "seq_length": L,
        **batch,
        "logits": floats(out.logits),
        "loss": float(np.format_float_scientific(np.float32(out.loss.item()), unique=True)),
        "grads": grads,
    }
    path = GOLDEN / "classification.json"
    path.write_text(json.dumps(golden, separators=(",", ":")) + "\n")
    print(f"loss {out.loss.item():.6f}; wrote {path.relative_to(REPO)} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
