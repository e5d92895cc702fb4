import { useState } from 'react';
import type { DatasetInfo, Histogram as HistogramData } from '../../core/storage/types.js';
import { useStudio } from '../../state/studio.js';
import { dataWorker } from '../../workers/clients.js';
import { splitPlan } from '../../core/storage/index.js';
import { countOf, formatCount, plural } from '../format.js';
import { Count } from '../common/Count.js';
import { TASK_LABEL } from './tasks.js';

export function DatasetStats({ dataset: d }: { dataset: DatasetInfo }) {
  const h = d.contextLengths;
  const refresh = useStudio((s) => s.refreshDatasets);
  return (
    <section className="card" aria-label="Statistics">
      <div className="card-head">
        <h2 className="dataset-title">{d.name}</h2>
        <span className="pill task-qa">{TASK_LABEL.qa}</span>
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
          <SplitTool
            title="Split into train / eval by article"
            plan={(fraction) => {
              const p = splitPlan(d.articles, fraction);
              return 'problem' in p ? p : { text: `${countOf(p.train, 'article')} for training, ${countOf(p.eval, 'article')} for evaluation; no article on both sides.` };
            }}
            run={async (evalFraction, seed) => {
              const made = await dataWorker().call('split', { id: d.id, evalFraction, seed });
              await refresh();
              const [train, ev] = made;
              return `Created a train set of ${countOf(train.questions, 'question')} and an eval set of ${countOf(ev.questions, 'question')}, listed under Datasets as “… · train (seed ${seed})” and “… · eval (seed ${seed})”.`;
            }}
          />
        </div>
        <Histogram title="Context length (characters)" data={h} noun="paragraph" testId="context-histogram" />
      </div>
    </section>
  );
}

/** Bars with their counts over them; the last bin is open-ended. */
export function Histogram({ title, data, noun, testId }: { title: string; data: HistogramData; noun: string; testId: string }) {
  const max = Math.max(1, ...data.counts);
  return (
    <div>
      <h4 style={{ marginBottom: 8 }}>{title}</h4>
      <div className="hist" data-testid={testId}>
        {data.counts.map((c, i) => (
          <div key={i} className="bar" style={{ height: `${(100 * c) / max}%` }} title={countOf(c, noun)}>
            {c > 0 ? <span className="hist-count">{formatCount(c)}</span> : null}
          </div>
        ))}
      </div>
      <div className="hist-labels">
        {data.edges.map((e, i) => (
          <span key={i}>{i === data.edges.length - 1 ? `${e}+` : e}</span>
        ))}
      </div>
    </div>
  );
}

/** A seeded train/eval split of the selected dataset, previewed before it is made. */
export function SplitTool({ title, plan, run }: { title: string; plan(fraction: number): { text: string } | { problem: string }; run(fraction: number, seed: number): Promise<string> }) {
  const [fraction, setFraction] = useState(0.2);
  const [seed, setSeed] = useState(42);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const preview = plan(fraction);
  return (
    <div className="source-box" style={{ marginTop: 14 }}>
      <h4>{title}</h4>
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
          disabled={busy || 'problem' in preview}
          onClick={async () => {
            setBusy(true);
            setMessage(null);
            try {
              setMessage(await run(fraction, seed));
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
        {'problem' in preview ? <span className="error-text">Cannot split: {preview.problem}.</span> : preview.text}
      </div>
      {message ? <div className="small" data-testid="split-result">{message}</div> : null}
    </div>
  );
}
