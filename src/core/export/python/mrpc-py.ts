// task.py of an exported MRPC project: model class, columns, padding and the glue/mrpc metric,
// written to match src/core/tasks/mrpc/train-data.ts, infer.ts and metric.ts.
export const MRPC_TASK_PY = String.raw`"""Sentence-pair classification (GLUE MRPC): model, columns, dynamic padding and the glue/mrpc metric."""
import json

import numpy as np
from transformers import AutoModelForSequenceClassification, BertTokenizerFast, DataCollatorWithPadding

COLUMNS = ("input_ids", "token_type_ids", "attention_mask", "labels")
DROPOUT_FIELDS = ("hidden_dropout_prob", "attention_probs_dropout_prob")

_last_predictions = {}


def load_model(source, **config_overrides):
    return AutoModelForSequenceClassification.from_pretrained(source, **config_overrides)


def save_tokenizer(source, out):
    BertTokenizerFast.from_pretrained(source).save_pretrained(str(out))


def data_collator(source, cfg):
    """Pads each batch to its longest pair (pad id, token type 0, mask 0), as the studio pads."""
    tokenizer = BertTokenizerFast.from_pretrained(source)
    pad = cfg["data"]["tokenization"]["pad_token_id"]
    if tokenizer.pad_token_id != pad:
        raise SystemExit(f"the tokenizer of {source} pads with id {tokenizer.pad_token_id}, the studio padded with {pad}")
    return DataCollatorWithPadding(tokenizer)


def glue_mrpc(predictions, labels):
    """Accuracy and F1 of label 1 as fractions (F1 is 0 without a true positive)."""
    tp = int(np.sum((predictions == 1) & (labels == 1)))
    fp = int(np.sum((predictions == 1) & (labels == 0)))
    fn = int(np.sum((predictions == 0) & (labels == 1)))
    accuracy = float(np.mean(predictions == labels)) if len(labels) else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp > 0 else 0.0
    return {"accuracy": accuracy, "f1": f1}


def metrics(here, cfg):
    """compute_metrics for Trainer: argmax of the logits (the first label on ties), scored against the gold labels."""
    ids = json.loads((here / cfg["data"]["eval_ids"]).read_text(encoding="utf-8"))

    def compute(eval_prediction):
        logits = eval_prediction.predictions
        if isinstance(logits, tuple):
            logits = logits[0]
        predictions = np.argmax(logits, axis=-1)
        _last_predictions.clear()
        _last_predictions.update({ids[r]: int(p) for r, p in enumerate(predictions)})
        return glue_mrpc(predictions, np.asarray(eval_prediction.label_ids))

    return compute


def save_outputs(out):
    """predictions.json {id: label} from the last evaluation, as the studio's predict --task mrpc writes it."""
    if _last_predictions:
        (out / "predictions.json").write_text(json.dumps(_last_predictions, indent=1), encoding="utf-8")
`;
