import { useEffect, useState } from 'react';
import { usePairs } from '../../state/pairs.js';
import { usePairRuns } from '../../state/pair-runs.js';
import { useModels } from '../../state/models.js';
import { useTrain } from '../../state/train.js';
import { pairRunSetup, type PairRun, type PairRunSetup } from '../../workers/pair-api.js';
import type { BackendName } from '../../workers/model-api.js';
import { taskOfSetup, type RunInfo } from '../../workers/train-api.js';
import { Count } from '../common/Count.js';
import { formatCount } from '../format.js';
import { PairExportButton } from './PairExportButton.js';
import './pairs-ui.css';
import { PairSetOptions } from '../data/PairSetOptions.js';
import { NumberField as CommonNumberField } from '../common/NumberField.js';

/** The pair form's fields are named "Pair …" for assistive technology: the QA form above has fields of the same names. */
function NumberField(props: { label: string; value: number; onChange(v: number): void; step?: number; title?: string }) {
  return <CommonNumberField {...props} ariaLabel={`Pair ${props.label.toLowerCase()}`} />;
}

/**
 * A sentence-pair (GLUE MRPC) run: BertForSequenceClassification with dynamic padding. It runs as every
 * run does (Runs table, curves, checkpoints, pause and resume); this card sets it up and shows its padding.
 */
export function PairTrain() {
  const pairSets = usePairs((s) => s.pairDatasets);
  const models = useModels((s) => s.models);
  const workerBackend = useModels((s) => s.backend?.current ?? null);
  const job = usePairRuns((s) => s.job);
  const error = usePairRuns((s) => s.error);
  const runs = usePairRuns((s) => s.runs);
  const selectedRunId = usePairRuns((s) => s.selectedRunId);
  const trainRuns = useTrain((s) => s.runs);
  const starting = useTrain((s) => !!s.starting);
  const stage = useTrain((s) => s.starting?.label ?? null);
  // From the click until the worker has the run: the card tells that, not the previous run's state.
  const [launching, setLaunching] = useState(false);
  const pairRuns = trainRuns.filter((r) => taskOfSetup(r.setup) === 'mrpc');
  const latestRun = pairRuns[pairRuns.length - 1] ?? null;
  const training = trainRuns.some((r) => r.status === 'running' || r.status === 'preparing');
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
    checkpointEvery: 50,
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
  const ready = trainPairsId && modelId && !starting && !training;
  const selected = runs.find((r) => r.id === selectedRunId) ?? null;
  const finishedId = latestRun && (latestRun.status === 'completed' || latestRun.status === 'stopped') && latestRun.finalModelId ? latestRun.id : null;
  // Shown below: a run under way, else the picked classifier (with its run when the studio trained it), else the latest run.
  const unfinished = [...pairRuns].reverse().find((r) => r.status === 'running' || r.status === 'preparing' || r.status === 'paused');
  const runOfSelected = selected ? pairRuns.find((r) => r.id === selected.id) : undefined;
  const shown = unfinished ?? runOfSelected ?? null;
  // A run that has just finished stored its classifier: list it for Evaluate and the Playground, and pick it.
  useEffect(() => {
    if (!finishedId) return;
    void usePairRuns
      .getState()
      .refresh()
      .then(() => {
        if (usePairRuns.getState().runs.some((r) => r.id === finishedId)) usePairRuns.getState().select(finishedId);
      });
  }, [finishedId]);
  const start = () => {
    const config = models.find((m) => m.id === modelId)?.config;
    const b = backend || workerBackend || useTrain.getState().form.backend;
    if (!trainPairsId || !modelId || !config) return;
    setLaunching(true);
    void useTrain
      .getState()
      .startSetup(pairRunSetup({ ...form, trainPairsId, modelId }, config, b))
      .finally(() => setLaunching(false));
  };
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
            <PairSetOptions sets={pairSets} />
          </select>
        </label>
        <label className="field wide">
          Pair eval dataset
          <select className="input" aria-label="MRPC pairs to check during the run" value={form.evalPairsId ?? ''} onChange={(e) => set({ evalPairsId: e.target.value || null })}>
            <option value="">none (no accuracy/F1 during the run)</option>
            <PairSetOptions sets={pairSets} />
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
        <NumberField label="Eval every" value={form.evalEvery} onChange={(v) => set({ evalEvery: v })} step={1} title="optimizer steps between evaluations; 0: at the end of each epoch" />
        <NumberField label="Checkpoint every" value={form.checkpointEvery ?? 0} onChange={(v) => set({ checkpointEvery: v })} step={1} title="optimizer steps between checkpoints; 0: only on pause, stop and when the page is hidden" />
        <NumberField label="Seed" value={form.seed} onChange={(v) => set({ seed: v })} step={1} />
        <label className="field pair-check">
          <input type="checkbox" aria-label="group_by_length" checked={form.groupByLength} onChange={(e) => set({ groupByLength: e.target.checked })} />
          group_by_length
        </label>
        <button className="btn primary" disabled={!ready} title={training ? 'A run is training: pause or stop it first.' : undefined} onClick={start}>
          Start pair run
        </button>
        <PairExportButton
          setup={trainPairsId && modelId && !job ? { ...form, trainPairsId, modelId } : null}
          label={models.find((m) => m.id === modelId)?.label ?? 'mrpc'}
        />
      </div>
      {error ? (
        <div className="error-text small" role="alert" data-testid="pair-error">
          {error}
        </div>
      ) : null}
      {runs.length > 0 ? (
        <div className="row" style={{ marginTop: 12, alignItems: 'end', gap: 8 }}>
          <label className="field" style={{ maxWidth: 480, flex: 1 }}>
            Pair classifier ({runs.length} kept in this browser)
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
              title="Deletes the classifier; its run, with its curves, stays in the Runs table until deleted there"
              onClick={() => confirm(`Delete the classifier of “${selected.label}”? Its curves stay in the Runs table. This cannot be undone.`) && void usePairRuns.getState().remove(selected.id)}
            >
              Delete classifier
            </button>
          ) : null}
        </div>
      ) : null}
      {launching ? (
        <div className="muted small" data-testid="pair-run-status" style={{ marginTop: 12 }}>
          Preparing the run{stage ? ` · ${stage}` : ''}…
        </div>
      ) : shown ? <PairRunView run={viewOfRun(shown)} /> : selected ? <PairRunView run={viewOfClassifier(selected)} /> : latestRun ? <PairRunView run={viewOfRun(latestRun)} /> : null}
    </section>
  );
}

/** What the card shows of a sentence-pair run: from its run record, or from its classifier alone. */
interface PairRunSummary {
  label: string;
  status: string;
  step: number;
  totalSteps: number;
  backend: string;
  reason: string | null;
  pairs: number;
  truncated: number;
  padding: PairRun['padding'] | null;
  setup: Pick<PairRunSetup, 'maxLength' | 'batchSize' | 'learningRate' | 'groupByLength'>;
  last: { accuracy: number; f1: number } | null;
  /** A run record holds its curves; a classifier stored before runs were task-generic has none. */
  hasCurves: boolean;
}

function viewOfRun(r: RunInfo): PairRunSummary {
  const e = r.lastEval;
  return {
    label: r.label,
    status: r.status,
    step: r.step,
    totalSteps: r.totalSteps,
    backend: r.importedFrom ?? r.backend,
    reason: r.reason,
    pairs: r.featureCount,
    truncated: r.pair?.truncated ?? 0,
    padding: r.pair?.padding ?? null,
    setup: { maxLength: r.setup.maxLength, batchSize: r.setup.hyperparameters.batchSize, learningRate: r.setup.hyperparameters.learningRate, groupByLength: !!r.setup.pair?.groupByLength },
    last: e && e.accuracy != null && e.f1 !== null ? { accuracy: e.accuracy, f1: e.f1 } : null,
    hasCurves: true,
  };
}

function viewOfClassifier(r: PairRun): PairRunSummary {
  return { ...r, setup: r.setup, last: r.evals[r.evals.length - 1] ?? null, hasCurves: false };
}

function PairRunView({ run }: { run: PairRunSummary }) {
  const p = run.padding;
  const chosen = p ? (run.setup.groupByLength ? p.grouped : p.dynamic) : 0;
  const last = run.last;
  return (
    <div className="pair-run-grid" data-testid="pair-run">
      <div>
        <div className="muted small" data-testid="pair-run-status">
          {run.label} · {run.status} · step {run.step} of {run.totalSteps} on {run.backend}
          {run.reason ? ` · ${run.reason}` : ''}
        </div>
        {run.hasCurves ? <div className="small muted">Loss, learning rate, accuracy/F1 and speed: pick the run in the Runs table for its curves; pause, resume and stop it there.</div> : null}
      </div>
      <div className="counts" style={{ flexDirection: 'column', gap: 10 }}>
        <div className="counts">
          <Count n={run.pairs} label="training pairs" />
          <Count n={run.truncated} label="truncated" />
          {last ? <Count n={last.accuracy.toFixed(3)} label="eval accuracy" /> : null}
          {last ? <Count n={last.f1.toFixed(3)} label="eval F1" /> : null}
        </div>
        {p && p.realTokens > 0 ? (
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
