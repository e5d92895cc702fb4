"""Golden outputs of PyTorch `transformers` for the tfjs BertForQuestionAnswering.

Writes, under src/core/model/golden/:
  model/          config.json + model.safetensors, hidden_act "gelu" (erf form)
  model-gelu-new/ the same architecture with hidden_act "gelu_new" (tanh form)
  golden.json     for each model: a fixed batch (B=2, L=16; the second row padded, token types
                  0/1, one start position below 0 that both implementations clamp to 0), and the
                  start/end logits, the loss and the gradients of the loss for one or more
                  parameters of every kind, all as computed by transformers in float32 eval mode.

src/core/model/golden.test.ts checks the TypeScript model against golden.json; it needs no Python.

Run from anywhere, with Node (the repo's npm dependencies installed) and a Python that has
torch and transformers (e.g. a venv outside the repo: `pip install torch transformers`):

    python3 scripts/golden/make_golden.py

Each model starts as the output of our own CLI (`npm run -s cli -- init --config
scripts/golden/tiny-<act>.json --seed 11`) written to a temporary folder and loaded with
AutoModelForQuestionAnswering.from_pretrained, which also proves the CLI's files load as is.
Every LayerNorm weight and bias vector is then moved away from its init value (1 or 0) by a
seeded perturbation, so that a mix-up between e.g. a LayerNorm's weight and bias, or a missing
bias, changes the numbers; the perturbed model is what save_pretrained writes to the golden
folder, so the test also reads safetensors written by transformers itself.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
import transformers
from transformers import AutoModelForQuestionAnswering

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "src" / "core" / "model" / "golden"
SEED = 11
B, L = 2, 16
# The second row holds 10 real tokens followed by padding.
USED = (L, 10)
# transformers clamps positions to [0, L] and ignores L; the tfjs loss clamps to [0, L - 1].
# Positions in [0, L) and below 0 (clamped to 0 by both) therefore mean the same to both.
START_POSITIONS = [3, -2]
END_POSITIONS = [9, 7]

LAYER0 = "bert.encoder.layer.0"
LAYER1 = "bert.encoder.layer.1"
# Every parameter of the embeddings, of layer 0 and of the QA head: one of each kind.
FULL_GRADS = [
    "bert.embeddings.word_embeddings.weight",
    "bert.embeddings.position_embeddings.weight",
    "bert.embeddings.token_type_embeddings.weight",
    "bert.embeddings.LayerNorm.weight",
    "bert.embeddings.LayerNorm.bias",
    *(
        f"{LAYER0}.{module}.{kind}"
        for module in (
            "attention.self.query",
            "attention.self.key",
            "attention.self.value",
            "attention.output.dense",
            "attention.output.LayerNorm",
            "intermediate.dense",
            "output.dense",
            "output.LayerNorm",
        )
        for kind in ("weight", "bias")
    ),
    f"{LAYER1}.output.LayerNorm.weight",
    "qa_outputs.weight",
    "qa_outputs.bias",
]
# The second model only differs in the activation, so its gradients are checked where it acts.
SOME_GRADS = [
    "bert.embeddings.word_embeddings.weight",
    f"{LAYER0}.intermediate.dense.weight",
    f"{LAYER0}.intermediate.dense.bias",
    f"{LAYER1}.intermediate.dense.weight",
    f"{LAYER1}.output.dense.weight",
    "qa_outputs.weight",
    "qa_outputs.bias",
]
CASES = [
    {"name": "gelu", "folder": "model", "config": "tiny-gelu.json", "grads": FULL_GRADS},
    {"name": "gelu_new", "folder": "model-gelu-new", "config": "tiny-gelu_new.json", "grads": SOME_GRADS},
]


def make_batch(vocab_size: int) -> dict:
    """Token 2 first (a stand-in for [CLS]), ids drawn with repeats so embedding rows sum gradients."""
    rng = np.random.default_rng(SEED)
    input_ids, token_type_ids, attention_mask = [], [], []
    for used in USED:
        ids = [2] + rng.integers(3, vocab_size, size=used - 1).tolist() + [0] * (L - used)
        input_ids.append(ids)
        token_type_ids.append([1 if 6 <= i < used else 0 for i in range(L)])
        attention_mask.append([1 if i < used else 0 for i in range(L)])
    return {
        "input_ids": input_ids,
        "token_type_ids": token_type_ids,
        "attention_mask": attention_mask,
        "start_positions": START_POSITIONS,
        "end_positions": END_POSITIONS,
    }


def cli_init(config: Path, out: Path) -> None:
    subprocess.run(
        ["npm", "run", "-s", "cli", "--", "init", "--config", str(config), "--seed", str(SEED), "--out", str(out)],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def load(folder: Path):
    model, info = AutoModelForQuestionAnswering.from_pretrained(
        folder, dtype=torch.float32, attn_implementation="eager", output_loading_info=True
    )
    problems = {k: v for k, v in info.items() if v}
    if problems:
        sys.exit(f"{folder}: transformers reports {problems}")
    return model.eval()


def perturb(model: torch.nn.Module) -> None:
    gen = torch.Generator().manual_seed(SEED)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1:
                p.add_((torch.rand(p.shape, generator=gen) - 0.5) * 0.4)


def floats(t: torch.Tensor) -> list:
    """Nested lists of the shortest decimals that round-trip each float32 value."""
    a = t.detach().to(torch.float32).numpy()
    flat = [float(np.format_float_scientific(x, unique=True)) for x in a.reshape(-1)]
    return np.array(flat, dtype=object).reshape(a.shape).tolist() if a.ndim > 1 else flat


def run_case(case: dict, tmp: Path) -> dict:
    init_dir = tmp / case["folder"]
    cli_init(Path(__file__).parent / case["config"], init_dir)
    model = load(init_dir)
    perturb(model)
    out_dir = GOLDEN / case["folder"]
    model.save_pretrained(out_dir, safe_serialization=True)
    # Reloaded from the written folder so the numbers come from exactly the files the test reads.
    model = load(out_dir)

    batch = make_batch(model.config.vocab_size)
    tensors = {k: torch.tensor(v, dtype=torch.long) for k, v in batch.items()}
    model.zero_grad()
    out = model(**tensors)
    out.loss.backward()
    params = dict(model.named_parameters())
    grads = {}
    for name in case["grads"]:
        g = params[name].grad
        grads[name] = {"shape": list(g.shape), "data": floats(g.reshape(-1))}

    # The same model in float64: how far float32 itself is from exact, a yardstick for the test's tolerances.
    model64 = load(out_dir).double()
    with torch.no_grad():
        out64 = model64(**tensors)
    drift = max(
        (out.start_logits.double() - out64.start_logits).abs().max().item(),
        (out.end_logits.double() - out64.end_logits).abs().max().item(),
    )
    print(f"{case['name']}: loss {out.loss.item():.6f}, float32 vs float64 logits max abs diff {drift:.2e}")

    return {
        "name": case["name"],
        "model": case["folder"],
        "hidden_act": model.config.hidden_act,
        "batch_size": B,
        "seq_length": L,
        **batch,
        "start_logits": floats(out.start_logits),
        "end_logits": floats(out.end_logits),
        "loss": float(np.format_float_scientific(np.float32(out.loss.item()), unique=True)),
        "grads": grads,
    }


def main() -> None:
    transformers.utils.logging.disable_progress_bar()
    torch.manual_seed(SEED)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        cases = [run_case(case, Path(tmp)) for case in CASES]
    golden = {
        "generator": "scripts/golden/make_golden.py",
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "cases": cases,
    }
    path = GOLDEN / "golden.json"
    path.write_text(json.dumps(golden, separators=(",", ":")) + "\n")
    print(f"wrote {path.relative_to(REPO)} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
