import { useEffect, useRef, useState } from 'react';
import { usePairRuns } from '../../state/pair-runs.js';
import { usePairs } from '../../state/pairs.js';
import { usePairPlayground, type PairColumn } from '../../state/pair-playground.js';
import type { PairAnswer, PairRun } from '../../workers/pair-api.js';
import { CopyLink } from '../common/CopyLink.js';
import { LabelPill } from '../data/LabelPill.js';
import '../playground/playground.css';
import './pairs-ui.css';
import { PairSetOptions } from '../data/PairSetOptions.js';
import { ColumnSelect } from '../common/ColumnSelect.js';

/** Two sentences → label probabilities, with gradient x input saliency of the predicted label over the tokens; one run or two side by side. */
export function PairPlayground() {
  const runs = usePairRuns((s) => s.runs);
  const st = usePairPlayground();
  const card = useRef<HTMLElement>(null);
  useEffect(() => {
    // A shared pair link is read once the runs are known, so its run ids can be matched here.
    void usePairRuns
      .getState()
      .refresh()
      .then(() => {
        const list = usePairRuns.getState().runs;
        const pg = usePairPlayground.getState();
        if (pg.openLink(location.hash, list)) {
          card.current?.scrollIntoView({ block: 'start' });
          if (list.length) void pg.ask(list);
        }
      });
    void usePairs.getState().refresh();
  }, []);
  const shown = st.columns.slice(0, st.compare ? 2 : 1);
  const busy = shown.some((c) => c.busy);
  const can = runs.length > 0 && st.sentence1.trim() !== '' && st.sentence2.trim() !== '' && !busy;
  return (
    <section className="card" aria-label="Sentence-pair playground" ref={card}>
      <div className="card-head">
        <h2>Pair Playground (MRPC)</h2>
        <span className="muted small">is sentence 2 a paraphrase of sentence 1? token colours: gradient x input for the predicted label</span>
      </div>
      {runs.length === 0 ? (
        <div className="empty">No sentence-pair classifier yet: a pair run in the Train panel keeps one when it ends (or import a Trainer folder in the Model panel).</div>
      ) : (
        <>
          <PairPicker />
          <div className="pair-inputs">
            <label className="field">
              Sentence 1
              <textarea className="input" aria-label="Sentence 1" value={st.sentence1} onChange={(e) => st.setText({ sentence1: e.target.value })} />
            </label>
            <label className="field">
              Sentence 2
              <textarea className="input" aria-label="Sentence 2" value={st.sentence2} onChange={(e) => st.setText({ sentence2: e.target.value })} />
            </label>
          </div>
          <div className="row pg-controls" style={{ marginTop: 10 }}>
            <RunSelect column={0} runs={runs} label="Playground pair run" />
            <label className="row small">
              <input type="checkbox" checked={st.compare} onChange={(e) => st.setCompare(e.target.checked)} aria-label="Compare with a second pair run" /> compare with
            </label>
            {st.compare ? <RunSelect column={1} runs={runs} label="Second pair run" /> : null}
            <div className="row" style={{ marginLeft: 'auto', gap: 8 }}>
              <CopyLink title="The sentences, the pair and the run(s) of the last answer, in the URL" />
              <button className="btn primary" disabled={!can} onClick={() => void st.ask(runs)}>
                {busy ? 'Classifying…' : 'Classify pair'}
              </button>
            </div>
          </div>
        </>
      )}
      {st.linkNote ? (
        <div className="job warn" style={{ marginTop: 12 }} data-testid="pair-link-note">
          {st.linkNote}
        </div>
      ) : null}
      {runs.length > 0 && shown.some((c) => c.result || c.error || c.busy) ? (
        <div className={`pg-columns n${shown.length}`} style={{ marginTop: 14 }}>
          {shown.map((c, i) => (
            <PairAnswerColumn key={i} column={c} label={runCaption(runs.find((r) => r.id === c.modelId) ?? runs[runs.length - 1])} />
          ))}
        </div>
      ) : null}
    </section>
  );
}

/** Runs of one model on one dataset share a label: their settings tell them apart. */
export function runCaption(r: PairRun): string {
  return `${r.label} · lr ${r.setup.learningRate} · seed ${r.setup.seed} · step ${r.step}`;
}

function RunSelect({ column, runs, label }: { column: number; runs: PairRun[]; label: string }) {
  const id = usePairPlayground((s) => s.columns[column].modelId);
  const setRun = usePairPlayground((s) => s.setRun);
  return <ColumnSelect items={runs.map((r) => ({ id: r.id, caption: runCaption(r) }))} chosen={id} onChange={(v) => setRun(column, v)} label={label} />;
}

/** Takes the sentences of a stored pair by its row id. */
function PairPicker() {
  const sets = usePairs((s) => s.pairDatasets);
  const source = usePairPlayground((s) => s.source);
  const [pairsId, setPairsId] = useState<string | null>(null);
  const [row, setRow] = useState('');
  const chosen = sets.find((d) => d.id === pairsId) ?? sets[sets.length - 1];
  if (!chosen && !source) return null;
  return (
    <form
      className="row pair-picker"
      onSubmit={(e) => {
        e.preventDefault();
        if (chosen && row.trim()) void usePairPlayground.getState().takePair(chosen.id, chosen.name, row);
      }}
    >
      {chosen ? (
        <>
          <span className="small muted">A stored pair:</span>
          <select className="input" aria-label="Playground pair dataset" value={chosen.id} onChange={(e) => setPairsId(e.target.value)}>
            <PairSetOptions sets={sets} />
          </select>
          <input className="input pi-row" style={{ width: 90 }} aria-label="Playground row id" placeholder="row id" value={row} onChange={(e) => setRow(e.target.value)} />
          <button className="btn">Take pair</button>
        </>
      ) : null}
      {source ? (
        <span className="small" data-testid="pair-source">
          Row <b>{source.rowId}</b> of {source.datasetName} {source.label !== null ? <LabelPill label={source.label} /> : null}
        </span>
      ) : null}
    </form>
  );
}

function PairAnswerColumn({ column, label }: { column: PairColumn; label: string }) {
  const s1 = usePairPlayground((s) => s.sentence1);
  const s2 = usePairPlayground((s) => s.sentence2);
  const r = column.result;
  const stale = column.asked && (column.asked.sentence1 !== s1 || column.asked.sentence2 !== s2);
  return (
    <div className="pg-column" data-testid="pair-column">
      <div className="pg-col-head">
        <b>{label}</b>
        {r ? <span className="muted small">{r.millis} ms</span> : null}
        {column.busy ? <span className="pill">classifying…</span> : null}
      </div>
      {column.error ? (
        <div className="error-text small" role="alert">
          {column.error}
        </div>
      ) : null}
      {r ? (
        <>
          {stale ? <div className="small muted">Answered for earlier sentences; press Classify pair again.</div> : null}
          <PairAnswerView answer={r} />
        </>
      ) : null}
    </div>
  );
}

export function PairAnswerView({ answer: a }: { answer: PairAnswer }) {
  // Scaled by the words' largest magnitude: [CLS] and [SEP] often dwarf them; they are clamped.
  const words = a.saliency.filter((_, i) => !/^\[(CLS|SEP)\]$/.test(a.tokens[i]));
  const max = Math.max(1e-12, ...(words.length ? words : a.saliency).map((s) => Math.abs(s)));
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }} data-testid="pair-answer">
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
