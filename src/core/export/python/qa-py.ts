// task.py of an exported extractive-QA project: model class, columns, post-processing and the SQuAD v1.1 metric,
// written to match src/core/features/postprocess.ts and src/core/squad/metric.ts.
export const QA_TASK_PY = String.raw`"""Extractive question answering (SQuAD v1.1): model, columns, post-processing and metric."""
import collections
import json
import re
import string

import numpy as np
from safetensors.numpy import load_file
from transformers import AutoModelForQuestionAnswering, BertTokenizerFast

COLUMNS = ("input_ids", "token_type_ids", "attention_mask", "start_positions", "end_positions")
DROPOUT_FIELDS = ("hidden_dropout_prob", "attention_probs_dropout_prob")
N_BEST = 20
MAX_ANSWER_LENGTH = 30

_last_predictions = {}


def load_model(source, **config_overrides):
    return AutoModelForQuestionAnswering.from_pretrained(source, **config_overrides)


def save_tokenizer(source, out):
    BertTokenizerFast.from_pretrained(source).save_pretrained(str(out))


def top_indices(values, n):
    """Indices of the n largest values, largest first, lower index first on ties."""
    return np.argsort(-values, kind="stable")[:n]


def best_answer(context, windows):
    """The highest-scoring span over an example's windows; offsets index the context in code points."""
    best = None
    for start_logits, end_logits, offsets in windows:
        ends = top_indices(end_logits, N_BEST)
        for s in top_indices(start_logits, N_BEST):
            if offsets[s][0] < 0:
                continue
            for e in ends:
                if offsets[e][0] < 0 or e < s or e - s + 1 > MAX_ANSWER_LENGTH:
                    continue
                score = float(start_logits[s]) + float(end_logits[e])
                if best is None or score > best[0]:
                    best = (score, int(offsets[s][0]), int(offsets[e][1]))
    return "" if best is None else context[best[1]:best[2]]


def normalize_answer(s):
    s = s.lower()
    s = "".join(ch for ch in s if ch not in set(string.punctuation))
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def f1_score(prediction, gold):
    p = normalize_answer(prediction).split()
    g = normalize_answer(gold).split()
    common = collections.Counter(p) & collections.Counter(g)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision = same / len(p)
    recall = same / len(g)
    return 2 * precision * recall / (precision + recall)


def squad_v1(predictions, examples):
    """Exact match and F1 in percent; each question takes its best gold answer, a missing prediction scores 0."""
    em = f1 = 0.0
    for ex in examples:
        pred = predictions.get(ex["id"])
        if pred is None or not ex["answers"]:
            continue
        em += max(float(normalize_answer(pred) == normalize_answer(a)) for a in ex["answers"])
        f1 += max(f1_score(pred, a) for a in ex["answers"])
    n = max(1, len(examples))
    return {"exact_match": 100.0 * em / n, "f1": 100.0 * f1 / n}


def metrics(here, cfg):
    """compute_metrics for Trainer: post-processes every eval window's logits and scores them."""
    data = load_file(str(here / cfg["data"]["eval_file"]))
    offsets = data["offsets"]
    example_index = data["example_index"]
    examples = json.loads((here / cfg["data"]["eval_examples"]).read_text(encoding="utf-8"))

    def compute(eval_prediction):
        start_logits, end_logits = eval_prediction.predictions[:2]
        by_example = collections.defaultdict(list)
        for w in range(len(example_index)):
            by_example[int(example_index[w])].append((start_logits[w], end_logits[w], offsets[w]))
        predictions = {examples[i]["id"]: best_answer(examples[i]["context"], ws) for i, ws in by_example.items()}
        _last_predictions.clear()
        _last_predictions.update(predictions)
        return squad_v1(predictions, examples)

    return compute


def save_outputs(out):
    """predictions.json in the official {id: answer} format, from the last evaluation."""
    if _last_predictions:
        (out / "predictions.json").write_text(json.dumps(_last_predictions, ensure_ascii=False, indent=1), encoding="utf-8")
`;
