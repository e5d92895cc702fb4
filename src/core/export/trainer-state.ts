// Reads what a Hugging Face Trainer run leaves behind (trainer_state.json, and run_config.json when the
// run was exported from the studio) into the studio's step metrics and evaluation points.

export interface TrainerStepLog {
  step: number;
  epoch: number;
  loss: number;
  lr: number;
  /** NaN when the run did not clip (Trainer logs no grad_norm then). */
  grad_norm: number;
}

export interface TrainerEvalLog {
  step: number;
  epoch: number;
  eval_loss: number | null;
  exact_match: number | null;
  f1: number | null;
  /** Sequence classification (MRPC) runs log eval_accuracy. */
  accuracy: number | null;
}

export interface TrainerLog {
  steps: TrainerStepLog[];
  evals: TrainerEvalLog[];
  globalStep: number;
  maxSteps: number;
  epochs: number;
  trainBatchSize: number | null;
  /** Samples per second over the whole run, when Trainer logged it. */
  samplesPerSecond: number | null;
  runtimeSeconds: number | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Parses trainer_state.json; errors name the file and the entry that is wrong. */
export function parseTrainerState(text: string): TrainerLog {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`trainer_state.json is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { log_history?: unknown }).log_history)) {
    throw new Error('trainer_state.json has no log_history list: is it the file Trainer writes with save_state()?');
  }
  const state = json as { log_history: unknown[]; global_step?: unknown; max_steps?: unknown; num_train_epochs?: unknown; train_batch_size?: unknown };
  const steps: TrainerStepLog[] = [];
  const evals: TrainerEvalLog[] = [];
  let samplesPerSecond: number | null = null;
  let runtimeSeconds: number | null = null;
  state.log_history.forEach((entry, i) => {
    if (typeof entry !== 'object' || entry === null) throw new Error(`trainer_state.json log_history[${i}] is not an object`);
    const e = entry as Record<string, unknown>;
    const step = num(e.step);
    if (step === null || !Number.isInteger(step) || step < 0) throw new Error(`trainer_state.json log_history[${i}] has no integer step`);
    const epoch = num(e.epoch) ?? 0;
    if ('loss' in e) {
      const loss = typeof e.loss === 'number' ? e.loss : NaN;
      const lr = num(e.learning_rate);
      if (lr === null) throw new Error(`trainer_state.json log_history[${i}] (step ${step}) has a loss but no learning_rate`);
      steps.push({ step, epoch, loss, lr, grad_norm: typeof e.grad_norm === 'number' ? e.grad_norm : NaN });
    } else if (Object.keys(e).some((k) => k.startsWith('eval_'))) {
      evals.push({ step, epoch, eval_loss: num(e.eval_loss), exact_match: num(e.eval_exact_match), f1: num(e.eval_f1), accuracy: num(e.eval_accuracy) });
    } else if ('train_runtime' in e) {
      samplesPerSecond = num(e.train_samples_per_second);
      runtimeSeconds = num(e.train_runtime);
    }
  });
  if (steps.length === 0) throw new Error('trainer_state.json logs no training loss: run Trainer with logging_steps set (the exported project logs every step)');
  for (let i = 1; i < steps.length; i++) {
    if (steps[i].step <= steps[i - 1].step) throw new Error(`trainer_state.json log_history: step ${steps[i].step} follows step ${steps[i - 1].step}`);
  }
  const last = steps[steps.length - 1].step;
  return {
    steps,
    evals,
    globalStep: num(state.global_step) ?? last,
    maxSteps: num(state.max_steps) ?? last,
    epochs: num(state.num_train_epochs) ?? 0,
    trainBatchSize: num(state.train_batch_size),
    samplesPerSecond,
    runtimeSeconds,
  };
}
