import { useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { usePairs } from '../../state/pairs.js';
import { usePairRuns } from '../../state/pair-runs.js';
import { usePairInspector } from '../../state/pair-inspector.js';
import type { PairAnswer, PairEvaluation, PairPrediction } from '../../workers/pair-api.js';
import { modelWorker } from '../../workers/clients.js';
import { PairAnswerView } from './PairPlayground.js';
import { JobBanner } from '../common/JobBanner.js';
import { Count } from '../common/Count.js';
import { formatCount } from '../format.js';
import { LabelPill } from '../data/LabelPill.js';
import { CONFIDENT, pairFilter, type PairFilter as Filter } from './filter.js';
import './pairs-ui.css';
import { PairSetOptions } from '../data/PairSetOptions.js';

/** glue/mrpc scores of a sentence-pair run on a labelled pair dataset, with its confusion matrix and pairs. */
export function PairEvaluate() {
  const runs = usePairRuns((s) => s.runs);
  const selectedRunId = usePairRuns((s) => s.selectedRunId);
  const job = usePairRuns((s) => s.job);
  const error = usePairRuns((s) => s.error);
  const evaluation = usePairRuns((s) => s.evaluation);
  const pairSets = usePairs((s) => s.pairDatasets);
  const [pairsId, setPairsId] = useState<string | null>(null);
  useEffect(() => {
    void usePairs.getState().refresh();
    void usePairRuns.getState().refresh();
  }, []);
  const labelled = pairSets.filter((d) => !d.unlabelled);
  const chosen = pairsId ?? labelled[labelled.length - 1]?.id ?? null;
  return (
    <section className="card" aria-label="Sentence-pair scores">
      <div className="card-head">
        <h2>Evaluate a sentence-pair run (glue/mrpc)</h2>
        <span className="muted small">accuracy and F1 of the “equivalent” class, as fractions, as evaluate's glue/mrpc reports them</span>
      </div>
      {runs.length === 0 ? (
        <div className="empty">No sentence-pair classifier yet: a pair run in the Train panel keeps one when it ends (or import a Trainer folder in the Model panel).</div>
      ) : (
        <div className="row" style={{ flexWrap: 'wrap', gap: 12, alignItems: 'end' }}>
          <label className="field">
            Pair run
            <select className="input" aria-label="Pair run to score" value={selectedRunId ?? ''} onChange={(e) => usePairRuns.getState().select(e.target.value)}>
              {runs.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.label} · step {r.step}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Pairs to score
            <select className="input" aria-label="Pairs to score" value={chosen ?? ''} onChange={(e) => setPairsId(e.target.value || null)}>
              <PairSetOptions sets={labelled} />
            </select>
          </label>
          <button className="btn primary" disabled={!chosen || !!job} onClick={() => chosen && void usePairRuns.getState().evaluate(chosen)}>
            Score pairs
          </button>
        </div>
      )}
      {job?.kind === 'evaluate' ? (
        <JobBanner testId="pair-eval-job" title="Scoring pairs" caption={job.progress?.label ?? 'starting…'} progress={job.progress} onCancel={() => usePairRuns.getState().cancel()} />
      ) : null}
      {error ? (
        <div className="error-text small" role="alert">
          {error}
        </div>
      ) : null}
      {evaluation ? <PairEvalResult evaluation={evaluation} pairsId={pairSets.some((d) => d.id === evaluation.pairsId) ? evaluation.pairsId : null} /> : null}
    </section>
  );
}

function PairEvalResult({ evaluation: e, pairsId }: { evaluation: PairEvaluation; pairsId: string | null }) {
  const run = usePairRuns((s) => s.runs.find((r) => r.id === e.runId) ?? null);
  const [filter, setFilter] = useState<Filter>('all');
  const rows = useMemo(() => pairFilter(e.rows, filter), [e.rows, filter]);
  const [inspected, setInspected] = useState<{ row: PairPrediction; answer: PairAnswer | null; error?: string } | null>(null);
  const inspect = (row: PairPrediction) => {
    setInspected({ row, answer: null });
    modelWorker()
      .call('pair-answer', { runId: e.runId, sentence1: row.sentence1, sentence2: row.sentence2 })
      .then(
        (answer) => setInspected((cur) => (cur?.row === row ? { row, answer } : cur)),
        (err: Error) => setInspected((cur) => (cur?.row === row ? { row, answer: null, error: err.message } : cur)),
      );
  };
  const c = e.confusion;
  return (
    <div style={{ marginTop: 12 }} data-testid="pair-eval-result">
      <div className="pair-run-grid">
        <div className="counts">
          <Count n={e.accuracy.toFixed(4)} label="accuracy" testId="pair-accuracy" />
          <Count n={e.f1.toFixed(4)} label="F1 (equivalent)" testId="pair-f1" />
          <Count n={e.precision.toFixed(4)} label="precision" />
          <Count n={e.recall.toFixed(4)} label="recall" />
          <Count n={e.total} label={`pairs in ${e.datasetName}`} />
        </div>
        <table className="pair-confusion" data-testid="pair-confusion" aria-label="Confusion matrix">
          <thead>
            <tr>
              <th>gold ↓ / predicted →</th>
              <th>not equivalent</th>
              <th>equivalent</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th>not equivalent</th>
              <td className="hit">{c.tn}</td>
              <td className="miss">{c.fp}</td>
            </tr>
            <tr>
              <th>equivalent</th>
              <td className="miss">{c.fn}</td>
              <td className="hit">{c.tp}</td>
            </tr>
          </tbody>
        </table>
      </div>
      <div className="row" style={{ margin: '12px 0 8px', gap: 8 }} role="group" aria-label="Pair filter">
        {(['all', 'wrong', 'right', 'confident-wrong'] as const).map((f) => (
          <button key={f} className={`btn small${filter === f ? ' primary' : ''}`} onClick={() => setFilter(f)}>
            {f === 'confident-wrong' ? `confident and wrong (p ≥ ${CONFIDENT})` : f}
          </button>
        ))}
        <span className="muted small" data-testid="pair-eval-count">
          {formatCount(rows.length)} pairs
        </span>
      </div>
      <PairRows rows={rows} labels={e.labels} selectedId={inspected?.row.id ?? null} onSelect={inspect} />
      {inspected ? (
        <div className="pair-inspect" data-testid="pair-inspect">
          <div className="row small">
            <span className="grow">
              <b>Row {inspected.row.id}</b> as the model reads it: [CLS] sentence 1 [SEP] sentence 2 [SEP], sentence 2 (token type 1) underlined.
            </span>
            {run && pairsId ? (
              <button className="btn small" onClick={() => void usePairInspector.getState().openFromRun(run, pairsId, inspected.row.id)} title="Its tokens, what truncation cut and its batch's padding, with this run's settings">
                Tokenization in the Feature Inspector →
              </button>
            ) : null}
          </div>
          {inspected.error ? <div className="error-text small">{inspected.error}</div> : inspected.answer ? <PairAnswerView answer={inspected.answer} /> : <span className="muted small">tokenizing…</span>}
        </div>
      ) : null}
    </div>
  );
}

function PairRows({ rows, labels, selectedId, onSelect }: { rows: PairPrediction[]; labels: string[]; selectedId: string | null; onSelect(r: PairPrediction): void }) {
  const parent = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => 48, overscan: 10 });
  return (
    <div className="pair-eval-table">
      <div className="pair-eval-row head">
        <span>row</span>
        <span>sentences</span>
        <span>p(equivalent)</span>
        <span>gold</span>
        <span>result</span>
      </div>
      <div className="vlist" ref={parent} data-testid="pair-eval-rows">
        <div style={{ height: v.getTotalSize() }}>
          {v.getVirtualItems().map((item) => {
            const r = rows[item.index];
            const p1 = r.probabilities[1];
            return (
              <div
                key={item.key}
                className={`vrow pair-eval-row${r.id === selectedId ? ' selected' : ''}`}
                style={{ top: item.start, height: item.size }}
                title={`predicted ${labels[r.predicted]}: click for its tokens`}
                onClick={() => onSelect(r)}
                data-pair-id={r.id}
              >
                <span className="mono muted small">{r.id}</span>
                <span className="pair-text">
                  <span className="ellipsis">{r.sentence1}</span>
                  <span className="ellipsis muted">{r.sentence2}</span>
                </span>
                <span className="pair-prob">
                  <span className="bar">
                    <div style={{ width: `${(100 * p1).toFixed(1)}%` }} />
                  </span>
                  {p1.toFixed(3)}
                </span>
                <LabelPill label={r.label} />
                <span className={`pill ${r.label === null ? '' : r.predicted === r.label ? 'ok' : 'bad'}`}>{r.label === null ? '—' : r.predicted === r.label ? 'right' : 'wrong'}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
