import { useState } from 'react';
import type { DatasetInfo } from '../../core/storage/types.js';
import { useStudio } from '../../state/studio.js';
import { dataWorker } from '../../workers/clients.js';
import { splitPlan } from '../../core/storage/index.js';
import { countOf, formatCount, plural } from '../format.js';
import { Count } from '../common/Count.js';

export function DatasetStats({ dataset: d }: { dataset: DatasetInfo }) {
  const h = d.contextLengths;
  const max = Math.max(1, ...h.counts);
  return (
    <section className="card" aria-label="Statistics">
      <div className="card-head">
        <h2>{d.name}</h2>
        {d.isDemo ? <span className="pill demo">DEMO: a small set written for BERT Studio, not SQuAD</span> : null}
      </div>
      <div className="stats-grid">
        <div>
          <div className="counts">
            <Count n={d.articles} label={plural(d.articles, 'article')} />
            <Count n={d.paragraphs} label={plural(d.paragraphs, 'paragraph')} />
            <Count n={d.questions} label={plural(d.questions, 'question')} />
            <Count n={d.answers} label={plural(d.answers, 'answer')} />
          </div>
          <div className="muted small" style={{ marginTop: 10 }}>
            Context length in characters: min {formatCount(h.min)}, median {formatCount(h.median)}, max {formatCount(h.max)}.
            {' '}
            {(d.answers / Math.max(1, d.questions)).toFixed(2)} answers per question.
          </div>
          <SplitTool dataset={d} />
        </div>
        <div>
          <h4 style={{ marginBottom: 8 }}>Context length (characters)</h4>
          <div className="hist" data-testid="context-histogram">
            {h.counts.map((c, i) => (
              <div key={i} className="bar" style={{ height: `${(100 * c) / max}%` }} title={countOf(c, 'paragraph')}>
                {c > 0 ? <span className="hist-count">{formatCount(c)}</span> : null}
              </div>
            ))}
          </div>
          <div className="hist-labels">
            {h.edges.map((e, i) => (
              <span key={i}>{i === h.edges.length - 1 ? `${e}+` : e}</span>
            ))}
          </div>
        </div>
      </div>
    </section>
  );
}

function SplitTool({ dataset }: { dataset: DatasetInfo }) {
  const refresh = useStudio((s) => s.refreshDatasets);
  const [fraction, setFraction] = useState(0.2);
  const [seed, setSeed] = useState(42);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const plan = splitPlan(dataset.articles, fraction);
  return (
    <div className="source-box" style={{ marginTop: 14 }}>
      <h4>Split into train / eval by article</h4>
      <div className="row small">
        <label>
          eval share{' '}
          <input className="input" type="number" min={0.05} max={0.95} step={0.05} value={fraction} style={{ width: 72 }} onChange={(e) => setFraction(Number(e.target.value))} />
        </label>
        <label>
          seed <input className="input" type="number" value={seed} style={{ width: 72 }} onChange={(e) => setSeed(Math.trunc(Number(e.target.value)))} />
        </label>
        <button
          className="btn small"
          disabled={busy || 'problem' in plan}
          onClick={async () => {
            setBusy(true);
            setMessage(null);
            try {
              const made = await dataWorker().call('split', { id: dataset.id, evalFraction: fraction, seed });
              setMessage(`Created ${made.map((m) => `“${m.name}” (${countOf(m.questions, 'question')})`).join(' and ')}.`);
              await refresh();
            } catch (err) {
              setMessage(err instanceof Error ? err.message : String(err));
            }
            setBusy(false);
          }}
        >
          Split
        </button>
      </div>
      <div className="muted small" data-testid="split-preview">
        {'problem' in plan ? <span className="error-text">Cannot split: {plan.problem}.</span> : `${countOf(plan.train, 'article')} for training, ${countOf(plan.eval, 'article')} for evaluation; no article on both sides.`}
      </div>
      {message ? <div className="small">{message}</div> : null}
    </div>
  );
}
