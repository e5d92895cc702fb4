import { useEffect, useState } from 'react';
import { usePairs } from '../../state/pairs.js';
import { usePairRuns } from '../../state/pair-runs.js';
import { useModels } from '../../state/models.js';
import type { PairRun, PairRunSetup } from '../../workers/pair-api.js';
import type { BackendName } from '../../workers/model-api.js';
import { JobBanner } from '../common/JobBanner.js';
import { Count } from '../common/Count.js';
import { formatCount } from '../format.js';
import { LossChart } from './LossChart.js';
import { PairExportButton } from './PairExportButton.js';
import './pairs-ui.css';

function NumberField({ label, value, onChange, step }: { label: string; value: number; onChange(v: number): void; step?: number }) {
  // Named "Pair …" for assistive technology: the QA form above has fields of the same names.
  return (
    <label className="field">
      {label}
      <input className="input" type="number" aria-label={`Pair ${label.toLowerCase()}`} step={step ?? 'any'} value={Number.isNaN(value) ? '' : value} onChange={(e) => onChange(e.target.value.trim() === '' ? Number.NaN : Number(e.target.value))} />
    </label>
  );
}

/** A sentence-pair (GLUE MRPC) run: BertForSequenceClassification through the core Trainer, dynamic padding. */
export function PairTrain() {
  const pairSets = usePairs((s) => s.pairDatasets);
  const models = useModels((s) => s.models);
  const job = usePairRuns((s) => s.job);
  const error = usePairRuns((s) => s.error);
  const runs = usePairRuns((s) => s.runs);
  const selectedRunId = usePairRuns((s) => s.selectedRunId);
  const live = usePairRuns((s) => s.live);
  const [form, setForm] = useState<Omit<PairRunSetup, 'trainPairsId' | 'modelId'> & { trainPairsId: string | null; modelId: string | null }>({
    trainPairsId: null,
    evalPairsId: null,
    modelId: null,
    init: 'random',
    maxLength: 128,
    learningRate: 2e-5,
    batchSize: 8,
    epochs: 3,
    maxSteps: 0,
    seed: 42,
    groupByLength: true,
    evalEvery: 0,
  });
  const [backend, setBackend] = useState<BackendName | ''>('');
  useEffect(() => {
    void usePairs.getState().refresh();
    void useModels.getState().refresh();
    void usePairRuns.getState().refresh();
  }, []);
  const trainPairsId = form.trainPairsId ?? pairSets[0]?.id ?? null;
  const modelId = form.modelId ?? models[models.length - 1]?.id ?? null;
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const ready = trainPairsId && modelId && !job;
  const selected = runs.find((r) => r.id === selectedRunId) ?? null;
  return (
    <section className="card" aria-label="Sentence-pair run">
      <div className="card-head">
        <h2>Fine-tune on sentence pairs (GLUE MRPC)</h2>
        <span className="muted small">BertForSequenceClassification; each batch padded to its longest pair; cross-entropy over the labels</span>
      </div>
      <div className="pair-setup">
        <label className="field wide">
          Pair train dataset
          <select className="input" aria-label="MRPC pairs to fit" value={trainPairsId ?? ''} onChange={(e) => set({ trainPairsId: e.target.value || null })}>
            {pairSets.length === 0 ? <option value="">none: import an MRPC file in the Data panel</option> : null}
            {pairSets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({formatCount(d.pairs)} pairs)
              </option>
            ))}
          </select>
        </label>
        <label className="field wide">
          Pair eval dataset
          <select className="input" aria-label="MRPC pairs to check during the run" value={form.evalPairsId ?? ''} onChange={(e) => set({ evalPairsId: e.target.value || null })}>
            <option value="">none (no accuracy/F1 during the run)</option>
            {pairSets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({formatCount(d.pairs)} pairs)
              </option>
            ))}
          </select>
        </label>
        <label className="field wide">
          Model (config and vocabulary)
          <select className="input" aria-label="MRPC encoder" value={modelId ?? ''} onChange={(e) => set({ modelId: e.target.value || null })}>
            {models.length === 0 ? <option value="">no models: add one in the Model panel</option> : null}
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Start from
          <select className="input" aria-label="Start from" value={form.init} onChange={(e) => set({ init: e.target.value as PairRunSetup['init'] })}>
            <option value="random">random init</option>
            <option value="weights">its weights + new head</option>
          </select>
        </label>
        <label className="field">
          Backend
          <select className="input" aria-label="MRPC runs on" value={backend} onChange={(e) => setBackend(e.target.value as BackendName | '')}>
            <option value="">current</option>
            <option value="webgpu">webgpu</option>
            <option value="wasm">wasm</option>
            <option value="cpu">cpu</option>
          </select>
        </label>
        <NumberField label="Max length" value={form.maxLength} onChange={(v) => set({ maxLength: v })} step={1} />
        <NumberField label="Learning rate" value={form.learningRate} onChange={(v) => set({ learningRate: v })} />
        <NumberField label="Batch size" value={form.batchSize} onChange={(v) => set({ batchSize: v })} step={1} />
        <NumberField label="Epochs" value={form.epochs} onChange={(v) => set({ epochs: v })} step={1} />
        <NumberField label="Max steps" value={form.maxSteps} onChange={(v) => set({ maxSteps: v })} step={1} />
        <NumberField label="Eval every" value={form.evalEvery} onChange={(v) => set({ evalEvery: v })} step={1} />
        <NumberField label="Seed" value={form.seed} onChange={(v) => set({ seed: v })} step={1} />
        <label className="field pair-check">
          <input type="checkbox" aria-label="group_by_length" checked={form.groupByLength} onChange={(e) => set({ groupByLength: e.target.checked })} />
          group_by_length
        </label>
        <button
          className="btn primary"
          disabled={!ready}
          onClick={() =>
            trainPairsId && modelId && void usePairRuns.getState().train({ ...form, trainPairsId, modelId, ...(backend ? { backend } : {}) })
          }
        >
          Start pair run
        </button>
        <PairExportButton
          setup={trainPairsId && modelId && !job ? { ...form, trainPairsId, modelId } : null}
          label={models.find((m) => m.id === modelId)?.label ?? 'mrpc'}
        />
      </div>
      {job?.kind === 'train' ? (
        <JobBanner
          testId="pair-train-job"
          title="Training the pair classifier"
          caption={job.progress?.label ?? 'tokenizing and preparing…'}
          progress={job.progress}
          onCancel={() => usePairRuns.getState().cancel()}
        />
      ) : null}
      {error ? (
        <div className="error-text small" role="alert" data-testid="pair-error">
          {error}
        </div>
      ) : null}
      {runs.length > 0 ? (
        <div className="row" style={{ marginTop: 12, alignItems: 'end', gap: 8 }}>
          <label className="field" style={{ maxWidth: 480, flex: 1 }}>
            Pair run ({runs.length} kept in this browser)
            <select className="input" aria-label="Pair run" value={selectedRunId ?? ''} onChange={(e) => usePairRuns.getState().select(e.target.value)}>
              {runs.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.label} · {r.status} · step {r.step}
                </option>
              ))}
            </select>
          </label>
          {selected ? (
            <button
              className="btn small danger"
              disabled={!!job}
              onClick={() => confirm(`Delete the run “${selected.label}”? This cannot be undone.`) && void usePairRuns.getState().remove(selected.id)}
            >
              Delete run
            </button>
          ) : null}
        </div>
      ) : null}
      {live ? <PairRunView run={live} /> : selected ? <PairRunView run={selected} /> : null}
    </section>
  );
}

function PairRunView({ run }: { run: PairRun }) {
  const p = run.padding;
  const chosen = run.setup.groupByLength ? p.grouped : p.dynamic;
  const last = run.evals[run.evals.length - 1];
  return (
    <div className="pair-run-grid" data-testid="pair-run">
      <div>
        <div className="muted small" data-testid="pair-run-status">
          {run.label} · {run.status} · step {run.step} of {run.totalSteps} on {run.backend}
          {run.reason ? ` · ${run.reason}` : ''}
        </div>
        <LossChart points={run.points} />
      </div>
      <div className="counts" style={{ flexDirection: 'column', gap: 10 }}>
        <div className="counts">
          <Count n={run.pairs} label="training pairs" />
          <Count n={run.truncated} label="truncated" />
          {last ? <Count n={last.accuracy.toFixed(3)} label="eval accuracy" /> : null}
          {last ? <Count n={last.f1.toFixed(3)} label="eval F1" /> : null}
        </div>
        {p.realTokens > 0 ? (
          <div className="small" data-testid="pair-padding">
            Padding per epoch: <b>{formatCount(chosen)}</b> tokens with {run.setup.groupByLength ? 'group_by_length' : 'dynamic padding'}, against{' '}
            <b>{formatCount(p.fixed)}</b> if every pair were padded to {run.setup.maxLength}: <b>{formatCount(p.fixed - chosen)}</b> padding tokens saved
            ({((100 * (p.fixed - chosen)) / Math.max(1, p.fixed)).toFixed(0)}%). Real tokens: {formatCount(p.realTokens)}; shuffled without grouping: {formatCount(p.dynamic)}; grouped:{' '}
            {formatCount(p.grouped)}.
          </div>
        ) : (
          <div className="small muted" data-testid="pair-padding">
            Trained outside the studio at max length {run.setup.maxLength}, batch size {run.setup.batchSize}, learning rate {run.setup.learningRate}: its padding was not logged.
          </div>
        )}
      </div>
    </div>
  );
}
