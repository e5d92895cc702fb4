import { useState } from 'react';
import type { DatasetInfo } from '../../core/storage/types.js';
import { useStudio } from '../../state/studio.js';
import { dataWorker } from '../../workers/clients.js';
import { formatCount } from '../format.js';
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
            <Count n={d.articles} label="articles" />
            <Count n={d.paragraphs} label="paragraphs" />
            <Count n={d.questions} label="questions" />
            <Count n={d.answers} label="answers" />
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
              <div key={i} className="bar" style={{ height: `${(100 * c) / max}%` }} title={`${formatCount(c)} paragraphs`} />
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
  const nEval = Math.min(dataset.articles - 1, Math.max(1, Math.round(dataset.articles * fraction)));
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
          disabled={busy || dataset.articles < 2}
          onClick={async () => {
            setBusy(true);
            setMessage(null);
            try {
              const made = await dataWorker().call('split', { id: dataset.id, evalFraction: fraction, seed });
              setMessage(`Created ${made.map((m) => `“${m.name}” (${formatCount(m.questions)} questions)`).join(' and ')}.`);
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
      <div className="muted small">
        {dataset.articles < 2 ? 'Needs at least two articles.' : `${dataset.articles - nEval} articles for training, ${nEval} for evaluation; no article on both sides.`}
      </div>
      {message ? <div className="small">{message}</div> : null}
    </div>
  );
}
