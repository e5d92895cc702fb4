import { useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { filterRows, useEvaluate, type Outcome } from '../../state/evaluate.js';
import { useModels } from '../../state/models.js';
import { WorkerBackendPicker } from '../common/BackendPicker.js';
import { useStudio } from '../../state/studio.js';
import type { EvalRow, EvalRun, EvalRunInfo } from '../../workers/eval-api.js';
import { modelWorker } from '../../workers/clients.js';
import { ProgressBar } from '../common/Progress.js';
import { phaseStart, rateText, type PhaseStart } from '../common/rate.js';
import type { Progress } from '../../workers/protocol.js';
import { countOf, formatCount, formatDate, formatPercent } from '../format.js';
import './evaluate.css';
import { PairEvaluate } from '../pairs/PairEvaluate.js';

const pct = (v: number) => formatPercent(v);

function download(name: string, blob: Blob) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 5000);
}

const fileStem = (run: EvalRunInfo) => `${run.modelLabel}-${run.datasetName}`.replace(/[^\w.-]+/g, '_');

/** The official predictions file: `{question id: answer text}`, every question of the dataset. */
export function predictionsJson(run: EvalRun): string {
  const out: Record<string, string> = {};
  for (const r of run.rows) out[r.id] = r.prediction;
  return JSON.stringify(out, null, 1);
}

function metricsJson(run: EvalRun): string {
  const { metrics, settings } = run;
  return JSON.stringify(
    {
      exact_match: metrics.exact_match,
      f1: metrics.f1,
      total: metrics.total,
      exact_count: metrics.exactCount,
      by_question_type: metrics.byQuestionType,
      model: run.modelLabel,
      dataset: run.datasetName,
      settings: { max_length: settings.maxLength, stride: settings.stride, n_best: settings.nBest, max_answer_length: settings.maxAnswerLength, batch_size: settings.batchSize },
      backend: run.backend,
      windows: run.windows,
      seconds: run.millis / 1000,
      created: new Date(run.createdAt).toISOString(),
    },
    null,
    2,
  );
}

export function EvaluatePanel() {
  const refreshModels = useModels((s) => s.refresh);
  const refreshRuns = useEvaluate((s) => s.refreshRuns);
  const run = useEvaluate((s) => s.run);
  useEffect(() => {
    void refreshModels();
    void refreshRuns();
  }, [refreshModels, refreshRuns]);
  return (
    <>
      <RunCard />
      <RunsList />
      {run ? <RunResult run={run} /> : null}
      <PairEvaluate />
    </>
  );
}

/** Rate and time left of the running job, measured from the start of its current phase. */
function useJobRate(progress: Progress | null): string | null {
  const phase = useRef<PhaseStart | null>(null);
  if (!progress) {
    phase.current = null;
    return null;
  }
  const now = performance.now();
  phase.current = phaseStart(phase.current, progress, now);
  return rateText(phase.current, progress, now, progress.label?.includes('window') ? 'windows' : 'shards');
}

function RunCard() {
  const models = useModels((s) => s.models);
  const datasets = useStudio((s) => s.datasets);
  const st = useEvaluate();
  const modelId = st.modelId && models.some((m) => m.id === st.modelId) ? st.modelId : (models[models.length - 1]?.id ?? null);
  const datasetId = st.datasetId && datasets.some((d) => d.id === st.datasetId) ? st.datasetId : (datasets[0]?.id ?? null);
  const { choose, setSettings } = st;
  const rate = useJobRate(st.job?.progress ?? null);
  // The shown defaults (latest model, first dataset) become the choice, so Evaluate runs what is shown.
  useEffect(() => choose({ modelId, datasetId }), [choose, modelId, datasetId]);
  const model = models.find((m) => m.id === modelId);
  // A model from a training run is evaluated with the windows it was trained on, unless the user changes them.
  const trained = model?.source.kind === 'run' ? model.source : null;
  const trainedLength = trained?.maxLength;
  const trainedStride = trained?.stride;
  useEffect(() => {
    if (trainedLength !== undefined && trainedStride !== undefined) setSettings({ maxLength: trainedLength, stride: trainedStride });
  }, [modelId, trainedLength, trainedStride, setSettings]);
  const maxPos = model?.config.max_position_embeddings ?? 512;
  const number = (key: 'maxLength' | 'stride' | 'batchSize', label: string, min: number, max?: number) => (
    <label className="field">
      {label}
      <input className="input" type="number" min={min} max={max} aria-label={label} value={st.settings[key]} onChange={(e) => st.setSettings({ [key]: Math.trunc(Number(e.target.value)) })} />
    </label>
  );
  return (
    <section className="card" aria-label="Evaluate">
      <div className="card-head">
        <h2>Evaluate</h2>
        <span className="muted small">batched inference in the model worker, then the official SQuAD v1.1 exact match and F1</span>
      </div>
      <div className="eval-settings">
        <label className="field">
          Model
          <select className="input" aria-label="Model to evaluate" value={modelId ?? ''} onChange={(e) => st.choose({ modelId: e.target.value })}>
            {models.length === 0 ? <option value="">No models: add one in the Model panel</option> : null}
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Dataset
          <select className="input" aria-label="Dataset to evaluate on" value={datasetId ?? ''} onChange={(e) => st.choose({ datasetId: e.target.value })}>
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({countOf(d.questions, 'question')})
              </option>
            ))}
          </select>
        </label>
        {number('maxLength', 'max_length', 16, maxPos)}
        {number('stride', 'stride', 0)}
        {number('batchSize', 'batch size', 1)}
        <WorkerBackendPicker label="Evaluation backend" testId="eval-backend" disabled={!!st.job} />
        <button className="btn primary" disabled={!modelId || !datasetId || !!st.job} onClick={() => void st.evaluate()}>
          Evaluate
        </button>
      </div>
      <div className="muted small" style={{ marginTop: 8 }}>
        Windows of max_length tokens overlapping by stride, as in training; the best span over all windows with n_best {st.settings.nBest} and at most {st.settings.maxAnswerLength} tokens.
      </div>
      {st.job ? (
        <div className="job" style={{ marginTop: 12 }} data-testid="eval-job">
          <div className="row">
            <b className="grow">Evaluating {st.job.label}</b>
            <span className="muted small" data-testid="eval-job-caption">
              {st.job.progress?.label ?? 'loading the model…'}
              {rate ? ` · ${rate}` : ''}
            </span>
            <button className="btn small" onClick={st.cancel}>
              Cancel
            </button>
          </div>
          <ProgressBar progress={st.job.progress} />
        </div>
      ) : null}
      {st.error ? (
        <div className="job error" style={{ marginTop: 12 }} role="alert" data-testid="eval-error">
          {st.error}
        </div>
      ) : null}
    </section>
  );
}

function RunsList() {
  const runs = useEvaluate((s) => s.runs);
  const current = useEvaluate((s) => s.run?.id);
  const openRun = useEvaluate((s) => s.openRun);
  const deleteRun = useEvaluate((s) => s.deleteRun);
  if (runs.length === 0) return null;
  return (
    <section className="card" aria-label="Evaluation runs">
      <div className="card-head">
        <h2>Runs</h2>
        <span className="muted small">{runs.length} stored in this browser</span>
      </div>
      <div className="runs-scroll">
        <table className="grid" data-testid="eval-runs">
          <thead>
            <tr>
              <th>When</th>
              <th>Model</th>
              <th>Dataset</th>
              <th className="num">EM</th>
              <th className="num">F1</th>
              <th className="num">Questions</th>
              <th>Settings</th>
              <th className="num">Time</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} className={r.id === current ? 'selected' : ''} onClick={() => void openRun(r.id)} data-testid="eval-run-row">
                <td className="small">{formatDate(r.createdAt)}</td>
                <td>
                  <b>{r.modelLabel}</b>
                </td>
                <td>{r.datasetName}</td>
                <td className="num">{pct(r.metrics.exact_match)}</td>
                <td className="num">{pct(r.metrics.f1)}</td>
                <td className="num">{formatCount(r.metrics.total)}</td>
                <td className="small muted">
                  {r.settings.maxLength}/{r.settings.stride}, batch {r.settings.batchSize}
                </td>
                <td className="num small">
                  {(r.millis / 1000).toFixed(1)} s <span className="muted">{r.backend}</span>
                </td>
                <td style={{ textAlign: 'right' }} onClick={(e) => e.stopPropagation()}>
                  <button
                    className="btn small danger"
                    onClick={() => {
                      if (confirm(`Delete this run of “${r.modelLabel}”?`)) void deleteRun(r.id);
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function RunResult({ run }: { run: EvalRun }) {
  const filter = useEvaluate((s) => s.filter);
  const setFilter = useEvaluate((s) => s.setFilter);
  const [exportError, setExportError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const rows = useMemo(() => filterRows(run.rows, filter), [run, filter]);
  const m = run.metrics;

  const exportModel = async () => {
    setExporting(true);
    setExportError(null);
    try {
      const { zip, fileName } = await modelWorker().call('export-model', { id: run.modelId });
      download(fileName, new Blob([zip.slice().buffer as ArrayBuffer], { type: 'application/zip' }));
    } catch (err) {
      setExportError(err instanceof Error ? err.message : String(err));
    } finally {
      setExporting(false);
    }
  };

  return (
    <section className="card" aria-label="Evaluation result">
      <div className="card-head">
        <h2>
          {run.modelLabel} <span className="muted">on</span> {run.datasetName}
        </h2>
        <div className="spacer" />
        <button className="btn" onClick={() => download(`${fileStem(run)}-predictions.json`, new Blob([predictionsJson(run)], { type: 'application/json' }))}>
          Predictions JSON
        </button>
        <button className="btn" onClick={() => download(`${fileStem(run)}-metrics.json`, new Blob([metricsJson(run)], { type: 'application/json' }))}>
          Metrics JSON
        </button>
        <button className="btn" disabled={exporting} onClick={() => void exportModel()} title="The evaluated model as a Hugging Face folder (config.json, model.safetensors, vocab.txt)">
          {exporting ? 'Zipping…' : 'Model zip'}
        </button>
      </div>
      {exportError ? <div className="error-text small">{exportError}</div> : null}
      <div className="eval-top">
        <div className="counts eval-metrics" data-testid="eval-metrics">
          <div className="count big">
            <b>
              <span data-testid="eval-em">{m.exact_match.toFixed(2)}</span>%
            </b>
            <span>exact match</span>
          </div>
          <div className="count big">
            <b>
              <span data-testid="eval-f1">{m.f1.toFixed(2)}</span>%
            </b>
            <span>F1</span>
          </div>
          <div className="count">
            <b data-testid="eval-total">{formatCount(m.total)}</b>
            <span>questions</span>
          </div>
          <div className="count">
            <b>{formatCount(m.exactCount)}</b>
            <span>exactly right</span>
          </div>
          <div className="count">
            <b>{formatCount(m.overlapCount)}</b>
            <span>with some overlap (F1 &gt; 0)</span>
          </div>
          <div className="count">
            <b>{formatCount(run.windows)}</b>
            <span>windows</span>
          </div>
          <div className="count">
            <b>{(run.millis / 1000).toFixed(1)} s</b>
            <span>on {run.backend}</span>
          </div>
        </div>
        <TypeTable run={run} />
      </div>
      <div className="eval-filters row">
        <span className="segmented" role="group" aria-label="Outcome">
          {(['all', 'wrong', 'right'] as Outcome[]).map((o) => (
            <button key={o} className={filter.outcome === o ? 'on' : ''} onClick={() => setFilter({ outcome: o })}>
              {o === 'all' ? 'all' : o === 'wrong' ? 'wrong (EM 0)' : 'right (EM 1)'}
            </button>
          ))}
        </span>
        <label className="row small">
          F1 from
          <input className="input num-input" type="number" min={0} max={100} aria-label="F1 from" value={filter.f1Min} onChange={(e) => setFilter({ f1Min: Number(e.target.value) })} />
          to
          <input className="input num-input" type="number" min={0} max={100} aria-label="F1 to" value={filter.f1Max} onChange={(e) => setFilter({ f1Max: Number(e.target.value) })} />
        </label>
        <select className="input" aria-label="Question type" value={filter.type ?? ''} onChange={(e) => setFilter({ type: e.target.value || null })}>
          <option value="">every question type</option>
          {m.byQuestionType.map((t) => (
            <option key={t.type} value={t.type}>
              {t.type} ({t.count})
            </option>
          ))}
        </select>
        <input className="input grow" placeholder="Search question, id or prediction" aria-label="Search rows" value={filter.text} onChange={(e) => setFilter({ text: e.target.value })} />
        <span className="muted small" data-testid="eval-shown">
          {formatCount(rows.length)} of {formatCount(run.rows.length)} shown
        </span>
      </div>
      <QuestionTable rows={rows} />
      <div className="muted small" style={{ marginTop: 6 }}>
        Click a question to open it in the Feature Inspector with this model's start and end logits drawn over every window.
      </div>
    </section>
  );
}

function TypeTable({ run }: { run: EvalRun }) {
  const type = useEvaluate((s) => s.filter.type);
  const setFilter = useEvaluate((s) => s.setFilter);
  return (
    <div className="type-table">
      <table className="grid" data-testid="eval-types">
        <thead>
          <tr>
            <th>Question type</th>
            <th className="num">Questions</th>
            <th className="num">EM</th>
            <th className="num">F1</th>
          </tr>
        </thead>
        <tbody>
          {run.metrics.byQuestionType.map((t) => (
            <tr key={t.type} className={type === t.type ? 'selected' : ''} onClick={() => setFilter({ type: type === t.type ? null : t.type })}>
              <td>{t.type}</td>
              <td className="num">{t.count}</td>
              <td className="num">{pct(t.exact_match)}</td>
              <td className="num">{pct(t.f1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function QuestionTable({ rows }: { rows: EvalRow[] }) {
  const parent = useRef<HTMLDivElement>(null);
  const inspect = useEvaluate((s) => s.inspect);
  const inspecting = useEvaluate((s) => s.inspecting);
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => 38, overscan: 12 });
  return (
    <div className="qtable">
      <div className="qrow head">
        <span>Question</span>
        <span>Gold answers</span>
        <span>Prediction</span>
        <span className="num">EM</span>
        <span className="num">F1</span>
        <span className="num" title="start logit + end logit of the predicted span">score</span>
        <span className="num" title="softmax share of the predicted span among the n_best candidates">p</span>
      </div>
      {rows.length === 0 ? <div className="empty">No question matches the filters.</div> : null}
      <div className="vlist qbody" ref={parent} data-testid="eval-table">
        <div style={{ height: v.getTotalSize() }}>
          {v.getVirtualItems().map((item) => {
            const r = rows[item.index];
            return (
              <div
                key={r.id}
                className={`vrow qrow${r.exact ? ' right' : r.f1 > 0 ? ' partly' : ' wrong'}${inspecting === r.id ? ' selected' : ''}`}
                style={{ top: item.start, height: item.size }}
                onClick={() => void inspect(r)}
                data-testid="eval-row"
                data-id={r.id}
              >
                <span className="ellipsis" title={`${r.question}\n${r.id} · ${r.type}`}>
                  {r.question}
                </span>
                <span className="ellipsis golds" title={r.golds.join(' | ')}>
                  {r.golds.join(' | ')}
                </span>
                <span className="ellipsis pred" title={r.prediction}>
                  {r.prediction || <i className="muted">(empty)</i>}
                </span>
                <span className="num">{r.exact}</span>
                <span className="num">{(100 * r.f1).toFixed(0)}</span>
                <span className="num">{r.score === null ? '–' : r.score.toFixed(2)}</span>
                <span className="num">{r.probability.toFixed(2)}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
