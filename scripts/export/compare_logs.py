#!/usr/bin/env python3
"""Compares a Trainer run's trainer_state.json with the studio CLI's `train --log` JSONL, step by step.

    python3 scripts/export/compare_logs.py OUT/trainer_state.json STUDIO_LOG.jsonl [--rtol 1e-3]

Prints both values per step and the largest relative differences; exits 1 when one exceeds --rtol.
"""
import argparse
import json
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("trainer_state")
    p.add_argument("studio_log")
    p.add_argument("--rtol", type=float, default=1e-3)
    a = p.parse_args()
    hf = {e["step"]: e for e in json.load(open(a.trainer_state))["log_history"] if "loss" in e}
    hf_eval = [e for e in json.load(open(a.trainer_state))["log_history"] if "eval_loss" in e]
    studio = [json.loads(line) for line in open(a.studio_log) if line.strip()]
    steps = {e["step"]: e for e in studio if "loss" in e}
    studio_eval = [e for e in studio if "eval_loss" in e]
    worst = {"loss": 0.0, "grad_norm": 0.0, "lr": 0.0}
    print(f"{'step':>4} {'studio loss':>12} {'trainer loss':>12} {'studio gnorm':>12} {'trainer gnorm':>13} {'studio lr':>10} {'trainer lr':>10}")
    for step in sorted(steps):
        s, h = steps[step], hf.get(step)
        if h is None:
            sys.exit(f"step {step}: no Trainer log entry")
        for key, hkey in (("loss", "loss"), ("grad_norm", "grad_norm"), ("lr", "learning_rate")):
            ref = abs(s[key]) or 1.0
            worst[key] = max(worst[key], abs(s[key] - h[hkey]) / ref)
        print(f"{step:>4} {s['loss']:>12.6f} {h['loss']:>12.6f} {s['grad_norm']:>12.6f} {h['grad_norm']:>13.6f} {s['lr']:>10.3e} {h['learning_rate']:>10.3e}")
    if studio_eval and hf_eval:
        print(f"final eval_loss: studio {studio_eval[-1]['eval_loss']:.6f} trainer {hf_eval[-1]['eval_loss']:.6f}")
        worst["eval_loss"] = abs(studio_eval[-1]["eval_loss"] - hf_eval[-1]["eval_loss"]) / abs(studio_eval[-1]["eval_loss"])
    print("max relative difference: " + ", ".join(f"{k} {v:.2e}" for k, v in worst.items()))
    if len(steps) != len(hf):
        sys.exit(f"studio logged {len(steps)} steps, Trainer {len(hf)}")
    if max(worst.values()) > a.rtol:
        sys.exit(f"differences above {a.rtol}")


if __name__ == "__main__":
    main()
