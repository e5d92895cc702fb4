"""PyTorch reference for the training benchmark: the same BERT presets, batch sizes, sequence length
and step (forward, QA loss, backward, clip to 1.0, AdamW) as `npm run bench -- train`, fp32 eager.

    python3 pytorch_train.py --device cpu --threads 2 --configs '[{"preset": "tiny", "batch": 8, "seq": 384, "steps": 2}]'

Prints a header line, then one JSON object per config on its own line (samples/s, step ms, peak MB on
CUDA). With `--configs -` it reads one config per line from stdin and answers each as it comes, so a
caller can interleave its own measurements with these (both then see the same machine load).
"""

import argparse
import json
import sys
import time

import torch
import transformers
from transformers import BertConfig, BertForQuestionAnswering

# (layers, hidden, heads); intermediate is 4 * hidden, vocabulary 30522, 512 positions, as BERT_PRESETS.
PRESETS = {"tiny": (2, 128, 2), "mini": (4, 256, 4), "small": (4, 512, 8), "base": (12, 768, 12)}
VOCAB = 30522


def batch_tensors(batch, seq, device, generator):
    """Random windows shaped as the TypeScript bench's: question in the first seq/12 tokens, 4-token answers."""
    q = seq // 12
    ids = torch.randint(0, VOCAB, (batch, seq), generator=generator)
    types = (torch.arange(seq) >= q).long().expand(batch, seq).contiguous()
    starts = q + torch.randint(0, seq - q - 4, (batch,), generator=generator)
    return {
        "input_ids": ids.to(device),
        "token_type_ids": types.to(device),
        "attention_mask": torch.ones(batch, seq, dtype=torch.long, device=device),
        "start_positions": starts.to(device),
        "end_positions": (starts + 3).to(device),
    }


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def measure(preset, batch, seq, steps, device):
    layers, hidden, heads = PRESETS[preset]
    config = BertConfig(
        vocab_size=VOCAB,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=4 * hidden,
        max_position_embeddings=512,
    )
    torch.manual_seed(0)
    model = BertForQuestionAnswering(config).to(device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.01)
    generator = torch.Generator().manual_seed(1)
    inputs = [batch_tensors(batch, seq, device, generator) for _ in range(steps + 2)]

    def step(data):
        loss = model(**data).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss

    # Two warm-up steps, as ours has a warm-up and a profiled step before timing.
    for data in inputs[:2]:
        step(data).item()
    sync(device)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    t0 = time.perf_counter()
    for data in inputs[2:]:
        step(data)
    sync(device)
    ms = (time.perf_counter() - t0) * 1000 / steps
    result = {
        "preset": preset,
        "batch": batch,
        "steps": steps,
        "seq": seq,
        "samplesPerS": batch * 1000 / ms,
        "stepMs": ms,
        "peakMB": torch.cuda.max_memory_allocated(device) / 2**20 if device.type == "cuda" else None,
        "attention": getattr(model.config, "_attn_implementation", None),
    }
    del model, optimizer, inputs
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return result


def profile(preset, batch, seq, device):
    """One step (after two warm-ups) under torch.profiler: step time, matmul self time, top ops by self time."""
    from torch.profiler import ProfilerActivity, profile as torch_profile

    layers, hidden, heads = PRESETS[preset]
    config = BertConfig(vocab_size=VOCAB, hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads,
                        intermediate_size=4 * hidden, max_position_embeddings=512)
    torch.manual_seed(0)
    model = BertForQuestionAnswering(config).to(device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.01)
    generator = torch.Generator().manual_seed(1)

    def step(data):
        model(**data).loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    for _ in range(2):
        step(batch_tensors(batch, seq, device, generator))
    data = batch_tensors(batch, seq, device, generator)
    t0 = time.perf_counter()
    step(data)
    step_ms = (time.perf_counter() - t0) * 1000
    with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
        t0 = time.perf_counter()
        step(data)
        profiled_ms = (time.perf_counter() - t0) * 1000
    # Self times come from the profiled step; they are scaled to the unprofiled step's length.
    scale = step_ms / profiled_ms / 1000
    events = prof.key_averages()
    top = sorted(events, key=lambda e: e.self_cpu_time_total, reverse=True)
    matmul = sum(e.self_cpu_time_total for e in events if e.key in ("aten::mm", "aten::addmm", "aten::bmm", "aten::baddbmm"))
    return {
        "stepMs": step_ms,
        "matmulMs": matmul * scale,
        "top": [{"name": e.key, "ms": e.self_cpu_time_total * scale, "count": e.count} for e in top[:25]],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--threads", type=int, default=0, help="intra-op threads on cpu (0: torch's default)")
    parser.add_argument("--profile", action="store_true", help="one step under torch.profiler per config instead of timing")
    parser.add_argument("--configs", required=True, help='JSON list of {"preset", "batch", "steps"}, or - for JSON lines on stdin')
    args = parser.parse_args()
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        sys.exit("pytorch_train.py: --device cuda, but torch sees no CUDA device")
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    # Strict fp32: no TF32 in matmuls.
    torch.set_float32_matmul_precision("highest")
    header = {
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "threads": torch.get_num_threads(),
    }
    print(json.dumps({"header": header}), flush=True)
    configs = (json.loads(line) for line in sys.stdin if line.strip()) if args.configs == "-" else json.loads(args.configs)
    for c in configs:
        if c["preset"] not in PRESETS:
            sys.exit(f"pytorch_train.py: unknown preset {c['preset']!r}")
        if args.profile:
            print(json.dumps({"profile": profile(c["preset"], int(c["batch"]), int(c.get("seq", 384)), device)}), flush=True)
            continue
        try:
            print(json.dumps(measure(c["preset"], int(c["batch"]), int(c.get("seq", 384)), int(c["steps"]), device)), flush=True)
        except torch.OutOfMemoryError as err:
            print(json.dumps({"preset": c["preset"], "batch": c["batch"], "error": f"out of memory: {err}"}), flush=True)
            torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
