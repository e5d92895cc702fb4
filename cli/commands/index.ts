export interface CommandModule {
  /** Runs the command with its own arguments; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

export interface Command {
  summary: string;
  help: string;
  load(): Promise<CommandModule>;
}

/** Commands of the other tasks (`--task mrpc`), each in its own file; `init` handles every task itself. */
export const taskCommands: Record<string, Record<string, { help: string; load: () => Promise<CommandModule> }>> = {
  mrpc: {
    features: {
      help: 'features --task mrpc --data FILE --vocab VOCAB.txt|tokenizer.json [--lowercase|--cased] [--max-length 128] --out FEATURES.jsonl\n  FILE: GLUE MRPC tsv (train/dev/test), msr_paraphrase_*.txt, or CSV/JSONL with sentence1, sentence2[, label]. One JSON\n  object per pair, unpadded: {id, input_ids, token_type_ids, attention_mask, label} (label null when the file has none),\n  tokenized as tokenizer(s1, s2, truncation=True) (longest_first). Last stdout line: {"examples": N, "features": N, ...}.',
      load: () => import('./mrpc/features.js'),
    },
    logits: {
      help: 'logits --task mrpc --model DIR --data FILE [--vocab FILE] [--lowercase|--cased] [--max-length 128] [--batch-size 32] [--backend cpu|wasm|webgpu] --out LOGITS.json\n  Dropout off, batches padded to their longest pair. Writes {"logits": [[l0, l1], ...]} in row order.',
      load: () => import('./mrpc/logits.js'),
    },
    train: {
      help: 'train --task mrpc --model DIR --train FILE [--eval FILE] [--vocab FILE] [--lowercase|--cased] (--max-steps N | --epochs E)\n      [--batch-size B] [--grad-accum K] [--lr LR] [--warmup-ratio R] [--weight-decay W] [--max-grad-norm 1.0] [--max-length 128]\n      [--seed S] [--backend cpu|wasm|webgpu] [--eval-every N] [--checkpoint-every N] [--stop-at N] [--group-by-length]\n      [--no-dropout] [--no-shuffle] --log LOG.jsonl --out DIR\n   or: train --task mrpc --resume DIR\n  BertForSequenceClassification (a pretrained encoder keeps its pooler and gets a new classifier), mean cross-entropy,\n  dynamic padding (each batch padded to its longest pair), --group-by-length as Trainer\'s. Eval lines carry eval_loss,\n  eval_accuracy and eval_f1. DIR/checkpoint holds the run\'s state (every --checkpoint-every steps and at the end);\n  --stop-at N stops after step N; --resume DIR continues the run. Last stdout line: JSON summary.',
      load: () => import('./mrpc/train.js'),
    },
    predict: {
      help: 'predict --task mrpc --model DIR --data FILE [--vocab FILE] [--lowercase|--cased] [--max-length 128] [--batch-size 32] [--backend cpu|wasm|webgpu] --out PREDICTIONS.json\n  Writes {"<id>": label} (argmax; id = 0-based data row). Last stdout line: {"examples": N, "predictions": N, "positives": P}.',
      load: () => import('./mrpc/predict.js'),
    },
    evaluate: {
      help: 'evaluate --task mrpc --data FILE --predictions PREDICTIONS.json\n  glue/mrpc: accuracy and F1 of label 1 as fractions, with precision, recall and the confusion matrix; a pair\n  without a prediction counts as wrong. Last stdout line: {"accuracy": a, "f1": f, ...}.',
      load: () => import('./mrpc/evaluate.js'),
    },
  },
};

/** Each command lives in its own file and is loaded only when called. */
export const commands: Record<string, Command> = {
  validate: { summary: 'Check a SQuAD JSON file and report counts and problems', help: 'validate FILE [--show N] [--encoding utf-8|utf-16le|utf-16be|windows-1252]\n  Text files are read as the byte-order mark says (UTF-8 without one); invalid bytes stop with their offset. --encoding\n  forces an encoding (every command that reads data takes it).\n  Streams FILE through the import parser, prints counts and the first N problems (default 20).\n  Last stdout line: JSON summary. Exit 0 when the file is valid, 1 otherwise.', load: () => import('./validate.js') },
  evaluate: { summary: 'SQuAD v1.1 exact match and F1 of a predictions file', help: 'evaluate --data DATA.json --predictions PREDICTIONS.json [--output SCORES.json]\n  Official v1.1 metric; predictions are {"question id": "answer"}. Last stdout line:\n  {"exact_match": x, "f1": y, ...} on a 0-100 scale. --output writes per-question scores.', load: () => import('./evaluate.js') },
  features: { summary: 'Tokenize a SQuAD file into model windows (JSONL)', help: 'features --data FILE --vocab VOCAB.txt|tokenizer.json (--lowercase|--cased) [--max-length 384] [--stride 128] [--mode train|eval] --out FEATURES.jsonl\n  One JSON object per window in dataset order: example_id, input_ids, token_type_ids, attention_mask,\n  offset_mapping ([start, end] in code points; specials [0,0] in train mode, null outside the context in eval mode)\n  and, in train mode, start_position/end_position (fully-inside rule). --stride is the number of context tokens\n  shared by consecutive windows. A tokenizer.json carries its own casing. Last stdout line: {"examples": N, "features": M}.', load: () => import('./features.js') },
  init: { summary: 'Write a freshly initialised BertForQuestionAnswering or (--task mrpc) BertForSequenceClassification', help: 'init [--task qa|mrpc] --config CONFIG.json|tiny|mini|small|base --seed N --out DIR [--backend cpu|wasm|webgpu]\n  Seeded Hugging Face-style init (same numbers on every backend); writes DIR/config.json and\n  DIR/model.safetensors with Hugging Face names incl. qa_outputs (qa) or bert.pooler + classifier with num_labels and\n  id2label in config.json (mrpc). Last stdout line: JSON summary.', load: () => import('./init.js') },
  logits: { summary: 'Start/end logits (and loss) of a model on featurized windows', help: 'logits --model DIR --features FEATURES.jsonl --out OUT.json [--backend cpu|wasm|webgpu] [--batch-size 8]\n  FEATURES.jsonl lines carry input_ids, token_type_ids, attention_mask and optionally start_position/end_position.\n  Dropout off. Writes {"start_logits": [[...]], "end_logits": [[...]], "loss": mean loss or null}.', load: () => import('./logits.js') },
  predict: { summary: 'Answer every question of a SQuAD file with a model folder (official predictions JSON)', help: 'predict --model DIR --data FILE.json --out PREDICTIONS.json [--vocab FILE] [--lowercase|--cased] [--max-length 384] [--stride 128] [--n-best 20] [--max-answer-length 30] [--batch-size 16] [--backend cpu|wasm|webgpu]\n  Eval-mode windows, dropout off, n-best start/end pairs over all windows of each question. Tokenizer: --vocab, else\n  DIR/tokenizer.json, else DIR/vocab.txt; casing: the flags, else tokenizer_config.json do_lower_case, else guessed.\n  Writes {"question id": "answer"}. Last stdout line: {"examples": N, "features": M, "predictions": K}.', load: () => import('./predict.js') },
  train: { summary: 'Fine-tune a model folder on a SQuAD file (AdamW, warmup/decay, clipping), JSONL log, HF folder out', help: 'train --model DIR --train FILE.json [--eval FILE.json] [--vocab VOCAB.txt|tokenizer.json] [--lowercase|--cased]\n      (--max-steps N | --epochs E) [--batch-size B] [--grad-accum K] [--lr LR] [--warmup-ratio R] [--weight-decay W]\n      [--max-grad-norm 1.0] [--max-length 384] [--stride 128] [--seed S] [--backend cpu|wasm|webgpu]\n      [--eval-every N] [--checkpoint-every N] [--stop-at N] [--no-dropout] [--no-shuffle] --log LOG.jsonl --out DIR\n   or: train --resume DIR   (continues the run whose --out was DIR, from DIR/checkpoint)\n  Hugging Face Trainer semantics. Unset hyperparameters take the defaults for the model size (tiny 3e-4, mini 1e-4,\n  small 5e-5, base 3e-5; warmup 0.1, weight decay 0.01). The tokenizer is DIR/tokenizer.json or DIR/vocab.txt unless\n  --vocab is given; a vocab.txt is lowercased per tokenizer_config.json do_lower_case, else by its name (uncased/cased).\n  LOG.jsonl: one object per step (step, epoch, loss, lr, grad_norm, samples_per_s, step_ms, skipped) and eval_loss lines.\n  OUT: config.json, model.safetensors, vocab.txt, tokenizer_config.json. Last stdout line: JSON summary.', load: () => import('./train.js') },
  'export-trainer': { summary: 'Write a training run as a Python project for Hugging Face Trainer (GPUs, clusters)', help: 'export-trainer <the options of train, without --log> [--hub-id ID] [--no-weights] --out DIR\n  Writes DIR/train.py (transformers.Trainer with the run\'s hyperparameters), task.py (model class, post-processing,\n  SQuAD v1.1 metric), run_config.json, data/*.safetensors (windows and labels exactly as the studio tokenized them; eval\n  windows with code-point offsets), model/ (the starting weights, unless --no-weights with --hub-id), requirements.txt,\n  launch.sh and README.md. Then: cd DIR && python3 train.py --output_dir out (GPU, or CPU when there is none).\n  With --no-dropout --no-shuffle on one device in fp32 its per-step losses match `train`\'s log. Last stdout line: JSON summary.', load: () => import('./export-trainer.js') },
  'train-vocab': { summary: 'Train a WordPiece vocabulary (vocab.txt) from SQuAD or text files', help: 'train-vocab --data FILE.json|FILE.txt [--data ...] --out VOCAB.txt [--vocab-size 30000] [--min-frequency 2]\n      [--limit-alphabet 1000|none] [--cased] [--encoding ENC] [--coverage FILE.json|FILE.txt] [--compare VOCAB.txt|tokenizer.json ...]\n  Hugging Face WordPieceTrainer semantics: BERT normaliser (uncased unless --cased) and pre-tokenizer, [PAD] [UNK] [CLS]\n  [SEP] [MASK] first, ## continuation pieces. A .json file is read as SQuAD (each context once, every question), any other\n  file as plain text. Prints the coverage (unknown-token rate, pieces per word) of --coverage (default: the training data)\n  by the new vocabulary and each --compare one (casing: the new vocabulary\'s). Last stdout line: JSON summary.', load: () => import('./train-vocab.js') },
};
