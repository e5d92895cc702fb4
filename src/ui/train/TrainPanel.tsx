import { useEffect, useState } from 'react';
import { useModels } from '../../state/models.js';
import { useStudio } from '../../state/studio.js';
import { setupProblems, setupToHash, useTrain } from '../../state/train.js';
import { estimateModel } from '../../core/model/pure.js';
import type { TrainHyperparameters } from '../../core/train/pure.js';
import { TASK_METRICS, TASK_ROW_NAMES } from '../../core/tasks/views.js';
import { checkBatchAgainstAdapter, taskOfSetup, type RunInfo } from '../../workers/train-api.js';
import { BackendPicker } from '../common/BackendPicker.js';
import { NumberField } from '../common/NumberField.js';
import { JobBanner } from '../common/JobBanner.js';
import { ProgressBar } from '../common/Progress.js';
import { useElapsed } from '../common/useElapsed.js';
import { formatBytes, formatCount } from '../format.js';
import { RunsTable } from './RunsTable.js';
import { PairTrain } from '../pairs/PairTrain.js';
import { TrainCharts } from './TrainCharts.js';
import { TrainerExportButton } from './TrainerExportButton.js';
import { chartColumns, etaSeconds, evalScores, formatDuration, formatMetric, statusText } from './charts.js';
import './train.css';

export function TrainPanel() {
  const models = useModels((s) => s.models);
  const refreshModels = useModels((s) => s.refresh);
  const loadBackend = useModels((s) => s.loadBackend);
  const datasets = useStudio((s) => s.datasets);
  const st = useTrain();
  const { refreshRuns, watch, resolveNames } = st;

  useEffect(() => {
    watch();
    void refreshModels();
    void loadBackend();
    void refreshRuns();
  }, [watch, refreshModels, loadBackend, refreshRuns]);

  useEffect(() => {
    resolveNames(models, datasets);
  }, [models, datasets, resolveNames, st.pendingNames]);

  // The URL carries the setup, so a link reproduces it; not rewritten until the link's names are matched.
  useEffect(() => {
    if (st.pendingNames) return;
    const hash = setupToHash(st.form, models, datasets);
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }, [st.form, st.pendingNames, models, datasets]);

  const selected = st.runs.find((r) => r.id === st.selectedRunId) ?? null;
  const overlays = st.overlayIds.map((id) => st.runs.find((r) => r.id === id)).filter((r): r is RunInfo => !!r && r.id !== selected?.id);

  return (
    <>
      <SetupCard />
      {st.starting ? <StartingBanner /> : null}
      <ChoiceCard />
      {st.notices.map((n) => (
        <div key={n.id} className={`job ${n.level === 'error' ? 'error' : n.level === 'warn' ? 'warn' : 'ok'}`} role={n.level === 'error' ? 'alert' : undefined} data-testid="train-notice">
          <div className="row">
            <span className={`grow ${n.level === 'error' ? 'error-text' : ''}`}>{n.message}</span>
            <button className="btn small" onClick={() => st.dismissNotice(n.id)}>
              Dismiss
            </button>
          </div>
        </div>
      ))}
      {selected ? <RunCard run={selected} /> : null}
      {selected ? (
        <section className="card" aria-label="Charts">
          <div className="card-head">
            <h2>Curves</h2>
            <span className="muted small">{overlays.length ? `${selected.label} with ${overlays.map((r) => r.label).join(', ')} overlaid` : 'hover a chart for the values at a step; drag to zoom, double-click to reset'}</span>
          </div>
          <TrainCharts runs={[selected, ...overlays]} />
        </section>
      ) : null}
      <RunsTable />
      <PairTrain />
    </>
  );
}

function StartingBanner() {
  const starting = useTrain((s) => s.starting);
  const cancelStart = useTrain((s) => s.cancelStart);
  const elapsed = useElapsed(starting?.stageStartedAt ?? null);
  if (!starting) return null;
  const p = starting.progress;
  return <JobBanner title={starting.label} caption={`${p && p.total > 1 ? `${p.done} / ${p.total} · ` : ''}${elapsed.toFixed(1)} s`} progress={p} onCancel={cancelStart} testId="train-starting" />;
}

function SetupCard() {
  const st = useTrain();
  const models = useModels((s) => s.models);
  const backend = useModels((s) => s.backend);
  const { followBackend } = st;
  const current = backend?.current;
  useEffect(() => {
    if (current) followBackend(current);
  }, [current, followBackend]);
  const datasets = useStudio((s) => s.datasets);
  const { form } = st;
  const model = models.find((m) => m.id === form.modelId) ?? null;
  const problems = setupProblems(form, model?.config ?? null);
  const running = st.runs.some((r) => r.status === 'running' || r.status === 'preparing');
  const h = form.hyperparameters;
  const hyper = (key: keyof TrainHyperparameters) => (v: number) => st.setHyper({ [key]: v });
  const limit = model && form.backend === 'webgpu' ? checkBatchAgainstAdapter(model.config, h.batchSize, h.gradAccumSteps, form.maxLength, backend?.adapter ?? null) : null;
  const scores = model ? h.batchSize * model.config.num_attention_heads * form.maxLength * form.maxLength * 4 : 0;
  const [copied, setCopied] = useState(false);

  return (
    <section className="card" aria-label="Run setup">
      <div className="card-head">
        <h2>Fine-tune</h2>
        <span className="muted small">AdamW, linear warmup and decay, gradient clipping and accumulation, dropout 0.1: Hugging Face Trainer's recipe, in a worker</span>
      </div>
      <div className="train-setup">
        <label className="field">
          Train dataset
          <select className="input" aria-label="Train dataset" value={form.trainDatasetId ?? ''} onChange={(e) => st.setForm({ trainDatasetId: e.target.value || null })}>
            {datasets.length === 0 ? <option value="">no datasets yet</option> : null}
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({formatCount(d.questions)} q)
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Eval dataset
          <select className="input" aria-label="Eval dataset" value={form.evalDatasetId ?? ''} onChange={(e) => st.setForm({ evalDatasetId: e.target.value || null })}>
            <option value="">none (no EM/F1)</option>
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({formatCount(d.questions)} q)
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Model
          <select
            className="input"
            aria-label="Model to train"
            value={form.modelId ?? ''}
            onChange={(e) => {
              const m = models.find((x) => x.id === e.target.value);
              if (m) st.chooseModel(m);
            }}
          >
            {models.length === 0 ? <option value="">no models: add one in the Model panel</option> : null}
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label} · {formatCount(m.parameters)} params
              </option>
            ))}
          </select>
        </label>
        <BackendPicker info={backend} value={form.backend} onChange={st.pickBackend} label="Training backend" testId="train-backend" disabled={!!st.starting} />
      </div>
      <div className="train-hyper">
        <NumberField label="Learning rate" value={h.learningRate} onChange={hyper('learningRate')} title="peak rate after warmup; small models want larger rates" />
        <NumberField label="Epochs" value={h.epochs} onChange={hyper('epochs')} min={0} title="used when max steps is 0" />
        <NumberField label="Max steps" value={h.maxSteps} onChange={hyper('maxSteps')} step={1} min={0} title="0: train for the epochs; otherwise exactly this many optimizer steps" />
        <NumberField label="Batch size" value={h.batchSize} onChange={hyper('batchSize')} step={1} min={1} />
        <NumberField label="Grad accumulation" value={h.gradAccumSteps} onChange={hyper('gradAccumSteps')} step={1} min={1} title="micro-batches per optimizer step: effective batch = batch x accumulation" />
        <NumberField label="Warmup ratio" value={h.warmupRatio} onChange={hyper('warmupRatio')} min={0} />
        <NumberField label="Weight decay" value={h.weightDecay} onChange={hyper('weightDecay')} min={0} />
        <NumberField label="Max length" value={form.maxLength} onChange={(v) => st.setForm({ maxLength: v })} step={1} min={16} />
        <NumberField label="Stride" value={form.stride} onChange={(v) => st.setForm({ stride: v })} step={1} min={0} />
        <NumberField label="Seed" value={h.seed} onChange={hyper('seed')} step={1} />
        <NumberField label="Eval every" value={form.evalEvery} onChange={(v) => st.setForm({ evalEvery: v })} step={1} min={0} title="optimizer steps between evaluations; 0: at the end of each epoch" />
        <label className="field" title="recompute each encoder layer in the backward pass instead of keeping its activations: far less memory for about a third more compute">
          Grad checkpointing
          <span className="check-line small">
            <input type="checkbox" aria-label="Gradient checkpointing" checked={h.gradientCheckpointing} onChange={(e) => st.setHyper({ gradientCheckpointing: e.target.checked })} /> recompute layers
          </span>
        </label>
        <NumberField label="Checkpoint every" value={form.checkpointEvery} onChange={(v) => st.setForm({ checkpointEvery: v })} step={1} min={0} title="optimizer steps between checkpoints; 0: only on pause and when the page is hidden" />
      </div>
      <div className="row train-setup-foot">
        <button className="btn primary" disabled={problems.length > 0 || running || !!st.starting} onClick={() => void st.start()} title={running ? 'one run trains at a time: pause or stop it first' : ''}>
          Start training
        </button>
        <TrainerExportButton />
        <button
          className="btn"
          onClick={() => {
            void navigator.clipboard?.writeText(location.href).then(
              () => setCopied(true),
              () => setCopied(false),
            );
            setTimeout(() => setCopied(false), 1500);
          }}
          title="the address bar holds this setup; share it to reproduce the run"
        >
          {copied ? 'Link copied' : 'Copy link to this setup'}
        </button>
        <span className="small muted grow">
          effective batch {h.batchSize * h.gradAccumSteps}
          {model ? ` · attention scores ${formatBytes(scores)} per micro-batch` : ''}
          {model ? ` · training memory ≈ ${formatBytes(estimateModel(model.config, h.batchSize, form.maxLength, { gradientCheckpointing: h.gradientCheckpointing }).trainingBytes)}` : ''}
          {backend?.adapter && form.backend === 'webgpu' ? ` (GPU buffer limit ${formatBytes(Math.min(backend.adapter.limits.maxStorageBufferBindingSize, backend.adapter.limits.maxBufferSize))})` : ''}
        </span>
      </div>
      {limit ? (
        <div className="train-warn small" data-testid="batch-warning">
          {limit.problem} Try batch {limit.suggestion.batchSize} with gradient accumulation {limit.suggestion.gradAccumSteps}.{' '}
          <button className="btn small" onClick={() => st.setHyper(limit.suggestion)}>
            Use batch {limit.suggestion.batchSize} × {limit.suggestion.gradAccumSteps}
          </button>
        </div>
      ) : null}
      {problems.length > 0 ? <div className="small error-text">To start: {problems.join('; ')}.</div> : null}
    </section>
  );
}

function ChoiceCard() {
  const st = useTrain();
  const c = st.choice;
  if (!c) return null;
  if (c.result.kind === 'batch-too-large') {
    return (
      <div className="job warn" role="alert" data-testid="train-choice">
        <span>{c.result.problem}</span>
        <div className="row">
          <button className="btn primary" onClick={st.applySuggestion}>
            Use batch {c.result.suggestion.batchSize} with accumulation {c.result.suggestion.gradAccumSteps}
          </button>
          <button className="btn" onClick={st.dismissChoice}>
            Dismiss
          </button>
        </div>
      </div>
    );
  }
  const { backend, reason, next } = c.result;
  return (
    <div className="job error" role="alert" data-testid="train-choice">
      <span>
        The probe step (one forward and backward pass) failed on <b>{backend}</b>: <span className="error-text">{reason}</span>
      </span>
      <div className="row">
        {next ? (
          <button
            className="btn primary"
            onClick={() => {
              if (c.setup) return void st.startSetup({ ...c.setup, backend: next });
              st.setForm({ backend: next });
              if (c.resumeRunId) void st.resume(c.resumeRunId, next);
              else void st.start();
            }}
          >
            {c.resumeRunId ? 'Resume' : 'Train'} on {next} instead
          </button>
        ) : (
          <span className="muted small">No other backend is available in this browser.</span>
        )}
        <button className="btn" onClick={st.dismissChoice}>
          Dismiss
        </button>
      </div>
    </div>
  );
}

const STATUS_PILL: Record<RunInfo['status'], string> = { preparing: '', running: 'ok', paused: 'demo', stopped: '', completed: 'ok', failed: 'bad' };

function RunCard({ run }: { run: RunInfo }) {
  const st = useTrain();
  useTrain((s) => s.dataVersion);
  const d = st.data.get(run.id);
  const series = d?.series;
  const n = series?.count ?? 0;
  const cols = series ? chartColumns(series, st.smoothing) : null;
  const eta = series && run.status === 'running' ? etaSeconds(series, run.totalSteps) : null;
  const lastEval = d?.evals[d.evals.length - 1];
  const step = Math.max(run.step, n > 0 ? series!.value('step', n - 1) : 0);
  const busy = !!st.starting;
  return (
    <section className="card" aria-label="Run" data-testid="run-card">
      <div className="card-head">
        <h2>{run.label}</h2>
        <span className={`pill ${STATUS_PILL[run.status]}`} data-testid="run-status">
          {statusText(run)}
        </span>
        <span className="muted small grow">
          {run.modelLabel} on {run.trainDatasetName} ({formatCount(run.featureCount)} {TASK_ROW_NAMES[taskOfSetup(run.setup)]}) · {run.importedFrom ?? run.backend} · lr {formatMetric(run.setup.hyperparameters.learningRate)} · batch {run.setup.hyperparameters.batchSize}
          {run.setup.hyperparameters.gradAccumSteps > 1 ? ` × ${run.setup.hyperparameters.gradAccumSteps}` : ''} · L {run.setup.maxLength}
        </span>
        {run.status === 'running' ? (
          <>
            <button className="btn" onClick={() => void st.pause(run.id)}>
              Pause
            </button>
            <button className="btn danger" onClick={() => void st.stop(run.id)}>
              Stop
            </button>
          </>
        ) : null}
        {(run.status === 'paused' || run.status === 'failed') && run.checkpointStep !== null ? (
          <>
            <button className="btn primary" disabled={busy} onClick={() => void st.resume(run.id)}>
              Resume
            </button>
            <button className="btn danger" disabled={busy} onClick={() => void st.stop(run.id)} title="end the run and save the model of the last checkpoint">
              Stop
            </button>
          </>
        ) : null}
      </div>
      <ProgressBar progress={{ done: step, total: run.totalSteps }} />
      <div className="counts train-counts">
        <div className="count">
          <b data-testid="run-step">
            {formatCount(step)} / {formatCount(run.totalSteps)}
          </b>
          <span>step</span>
        </div>
        <div className="count">
          <b data-testid="run-epoch">{run.epoch.toFixed(2)}</b>
          <span>epoch</span>
        </div>
        <div className="count">
          <b data-testid="run-eta">{eta === null ? '–' : formatDuration(eta)}</b>
          <span>ETA</span>
        </div>
        <div className="count">
          <b>{formatMetric(n ? series!.value('loss', n - 1) : null)}</b>
          <span>loss</span>
        </div>
        <div className="count">
          <b>{formatMetric(cols && n ? cols.smoothed[n - 1] : null)}</b>
          <span>smoothed</span>
        </div>
        <div className="count">
          <b>{formatMetric(n ? series!.value('lr', n - 1) : null, 3)}</b>
          <span>lr</span>
        </div>
        <div className="count">
          <b>{formatMetric(n ? series!.value('samples_per_s', n - 1) : null, 3)}</b>
          <span>samples/s</span>
        </div>
        <div className="count">
          <b>{n ? formatBytes(series!.value('mem_bytes', n - 1)) : '–'}</b>
          <span>tf memory</span>
        </div>
        <div className="count">
          <b>{evalScores(taskOfSetup(run.setup), lastEval ?? null)}</b>
          <span>{TASK_METRICS[taskOfSetup(run.setup)].title}</span>
        </div>
        <div className="count">
          <b>{run.checkpointStep === null ? '–' : formatCount(run.checkpointStep)}</b>
          <span>checkpoint{run.checkpointBytes ? ` · ${formatBytes(run.checkpointBytes)}` : ''}</span>
        </div>
      </div>
      {run.reason ? <div className={`small ${run.status === 'failed' ? 'error-text' : 'muted'}`} data-testid="run-reason">{run.reason}</div> : null}
    </section>
  );
}
