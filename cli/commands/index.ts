export interface CommandModule {
  /** Runs the command with its own arguments; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

export interface Command {
  summary: string;
  help: string;
  load(): Promise<CommandModule>;
}

/** Each command lives in its own file and is loaded only when called. */
export const commands: Record<string, Command> = {
  validate: { summary: 'Check a SQuAD JSON file and report counts and problems', help: 'validate FILE [--show N]\n  Streams FILE through the import parser, prints counts and the first N problems (default 20).\n  Last stdout line: JSON summary. Exit 0 when the file is valid, 1 otherwise.', load: () => import('./validate.js') },
  evaluate: { summary: 'SQuAD v1.1 exact match and F1 of a predictions file', help: 'evaluate --data DATA.json --predictions PREDICTIONS.json [--output SCORES.json]\n  Official v1.1 metric; predictions are {"question id": "answer"}. Last stdout line:\n  {"exact_match": x, "f1": y, ...} on a 0-100 scale. --output writes per-question scores.', load: () => import('./evaluate.js') },
  features: { summary: 'Tokenize a SQuAD file into model windows (JSONL)', help: 'features --data FILE --vocab VOCAB.txt|tokenizer.json (--lowercase|--cased) [--max-length 384] [--stride 128] [--mode train|eval] --out FEATURES.jsonl\n  One JSON object per window in dataset order: example_id, input_ids, token_type_ids, attention_mask,\n  offset_mapping ([start, end] in code points; specials [0,0] in train mode, null outside the context in eval mode)\n  and, in train mode, start_position/end_position (fully-inside rule). --stride is the number of context tokens\n  shared by consecutive windows. A tokenizer.json carries its own casing. Last stdout line: {"examples": N, "features": M}.', load: () => import('./features.js') },
  init: { summary: 'Write a freshly initialised BertForQuestionAnswering (config.json + model.safetensors)', help: 'init --config CONFIG.json|tiny|mini|small|base --seed N --out DIR [--backend cpu|wasm|webgpu]\n  Seeded Hugging Face-style init (same numbers on every backend); writes DIR/config.json and\n  DIR/model.safetensors with Hugging Face names incl. qa_outputs. Last stdout line: JSON summary.', load: () => import('./init.js') },
  logits: { summary: 'Start/end logits (and loss) of a model on featurized windows', help: 'logits --model DIR --features FEATURES.jsonl --out OUT.json [--backend cpu|wasm|webgpu] [--batch-size 8]\n  FEATURES.jsonl lines carry input_ids, token_type_ids, attention_mask and optionally start_position/end_position.\n  Dropout off. Writes {"start_logits": [[...]], "end_logits": [[...]], "loss": mean loss or null}.', load: () => import('./logits.js') },
  train: { summary: 'Fine-tune a model folder on a SQuAD file (AdamW, warmup/decay, clipping), JSONL log, HF folder out', help: 'train --model DIR --train FILE.json [--eval FILE.json] [--vocab VOCAB.txt|tokenizer.json] [--lowercase|--cased]\n      (--max-steps N | --epochs E) [--batch-size B] [--grad-accum K] [--lr LR] [--warmup-ratio R] [--weight-decay W]\n      [--max-grad-norm 1.0] [--max-length 384] [--stride 128] [--seed S] [--backend cpu|wasm|webgpu]\n      [--eval-every N] [--no-dropout] [--no-shuffle] --log LOG.jsonl --out DIR\n  Hugging Face Trainer semantics. Unset hyperparameters take the defaults for the model size (tiny 3e-4, mini 1e-4,\n  small 5e-5, base 3e-5; warmup 0.1, weight decay 0.01). The tokenizer is DIR/tokenizer.json or DIR/vocab.txt unless\n  --vocab is given; a vocab.txt is lowercased per tokenizer_config.json do_lower_case, else by its name (uncased/cased).\n  LOG.jsonl: one object per step (step, epoch, loss, lr, grad_norm, samples_per_s, step_ms, skipped) and eval_loss lines.\n  OUT: config.json, model.safetensors, vocab.txt, tokenizer_config.json. Last stdout line: JSON summary.', load: () => import('./train.js') },
};
