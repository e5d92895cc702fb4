import { useEffect, useState } from 'react';
import { usePairRuns } from '../../state/pair-runs.js';
import type { PairAnswer } from '../../workers/pair-api.js';
import './pairs-ui.css';

/** Two sentences → label probabilities, with gradient x input saliency of the predicted label over the tokens. */
export function PairPlayground() {
  const runs = usePairRuns((s) => s.runs);
  const selectedRunId = usePairRuns((s) => s.selectedRunId);
  const job = usePairRuns((s) => s.job);
  const answer = usePairRuns((s) => s.answer);
  const error = usePairRuns((s) => s.error);
  const [s1, setS1] = useState('');
  const [s2, setS2] = useState('');
  useEffect(() => {
    void usePairRuns.getState().refresh();
  }, []);
  const can = !!selectedRunId && s1.trim() !== '' && s2.trim() !== '' && !job;
  return (
    <section className="card" aria-label="Sentence-pair playground">
      <div className="card-head">
        <h2>Pair Playground (MRPC)</h2>
        <span className="muted small">is sentence 2 a paraphrase of sentence 1? token colours: gradient x input for the predicted label</span>
      </div>
      {runs.length === 0 ? (
        <div className="empty">No sentence-pair run in this session yet: train one in the Train panel.</div>
      ) : (
        <>
          <label className="field" style={{ maxWidth: 480, marginBottom: 10 }}>
            Pair run
            <select className="input" aria-label="Playground pair run" value={selectedRunId ?? ''} onChange={(e) => usePairRuns.getState().select(e.target.value)}>
              {runs.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.label} · step {r.step}
                </option>
              ))}
            </select>
          </label>
          <div className="pair-inputs">
            <label className="field">
              Sentence 1
              <textarea className="input" aria-label="Sentence 1" value={s1} onChange={(e) => setS1(e.target.value)} />
            </label>
            <label className="field">
              Sentence 2
              <textarea className="input" aria-label="Sentence 2" value={s2} onChange={(e) => setS2(e.target.value)} />
            </label>
          </div>
          <div className="row" style={{ marginTop: 10 }}>
            <button className="btn primary" disabled={!can} onClick={() => void usePairRuns.getState().ask(s1, s2)}>
              Classify pair
            </button>
            {job?.kind === 'answer' ? <span className="muted small">classifying…</span> : null}
          </div>
        </>
      )}
      {error ? (
        <div className="error-text small" role="alert">
          {error}
        </div>
      ) : null}
      {answer ? <PairAnswerView answer={answer} /> : null}
    </section>
  );
}

export function PairAnswerView({ answer: a }: { answer: PairAnswer }) {
  // Scaled by the words' largest magnitude: [CLS] and [SEP] often dwarf them; they are clamped.
  const words = a.saliency.filter((_, i) => !/^\[(CLS|SEP)\]$/.test(a.tokens[i]));
  const max = Math.max(1e-12, ...(words.length ? words : a.saliency).map((s) => Math.abs(s)));
  return (
    <div style={{ marginTop: 14, display: 'flex', flexDirection: 'column', gap: 12 }} data-testid="pair-answer">
      <div className="pair-probs">
        {a.labels.map((l, i) => (
          <div key={l} className="pair-prob" data-testid={`pair-prob-${l}`}>
            <span style={{ width: 120, fontWeight: i === a.predicted ? 700 : 400 }}>{l.replace('_', ' ')}</span>
            <span className="bar">
              <div style={{ width: `${(100 * a.probabilities[i]).toFixed(1)}%` }} />
            </span>
            <span>{a.probabilities[i].toFixed(3)}</span>
          </div>
        ))}
      </div>
      <div className="muted small">
        Saliency for “{a.labels[a.predicted].replace('_', ' ')}”: red pushes toward it, blue away. Sentence 1: {a.kept[0]} of {a.lengths[0]} tokens kept, sentence 2: {a.kept[1]} of{' '}
        {a.lengths[1]}.
      </div>
      <div className="pair-saliency" data-testid="pair-saliency">
        {a.tokens.map((t, i) => {
          const s = Math.max(-1, Math.min(1, a.saliency[i] / max));
          const bg = s >= 0 ? `rgba(224, 49, 49, ${(0.6 * s).toFixed(3)})` : `rgba(47, 91, 211, ${(-0.6 * s).toFixed(3)})`;
          return (
            <span key={i} className={`tok${a.tokenTypes[i] === 1 ? ' seg1' : ''}`} style={{ background: bg }} title={`${t}: ${a.saliency[i].toExponential(2)} (segment ${a.tokenTypes[i]})`}>
              {t}
            </span>
          );
        })}
      </div>
    </div>
  );
}
