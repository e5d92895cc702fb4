import { useEffect, useRef, useState } from 'react';
import type { QuestionRow } from '../../core/storage/types.js';
import { MAX_TOP_K, REFERENCE_MODEL, usePlayground, type Column, type ReferenceAnswer } from '../../state/playground.js';
import { useModels } from '../../state/models.js';
import { WorkerBackendPicker } from '../common/BackendPicker.js';
import { useStudio } from '../../state/studio.js';
import type { ModelInfo } from '../../workers/model-api.js';
import { dataWorker } from '../../workers/clients.js';
import { Highlighted } from '../common/Highlighted.js';
import { ColumnSelect } from '../common/ColumnSelect.js';
import { CopyLink } from '../common/CopyLink.js';
import './playground.css';
import { PairPlayground } from '../pairs/PairPlayground.js';

type HeatMode = 'start' | 'end' | 'both' | 'off';

export function PlaygroundPanel() {
  const models = useModels((s) => s.models);
  const refresh = useModels((s) => s.refresh);
  const st = usePlayground();
  const [heat, setHeat] = useState<HeatMode>('both');
  const [loaded, setLoaded] = useState(false);

  // A shared link is read once the models are known, so its model ids can be matched here.
  useEffect(() => {
    void refresh().then(() => {
      const { models: list } = useModels.getState();
      if (usePlayground.getState().openLink(location.hash, list) && list.length) void usePlayground.getState().ask(list);
      setLoaded(true);
    });
  }, [refresh]);

  const shown = st.columns.slice(0, st.compare ? 2 : 1);
  const busy = shown.some((c) => c.busy);
  const canAsk = models.length > 0 && st.question.trim().length > 0 && !busy;

  return (
    <>
      <section className="card" aria-label="Ask">
        <div className="card-head">
          <h2>QA Playground</h2>
          <span className="muted small">ask a model about any text; long contexts are split into windows as in evaluation</span>
        </div>
        <ExamplePicker />
        <div className="pg-inputs">
          <label className="field">
            Question
            <input
              className="input pg-question"
              aria-label="Question"
              placeholder="What do you want to know?"
              value={st.question}
              onChange={(e) => st.setText({ question: e.target.value })}
              onKeyDown={(e) => e.key === 'Enter' && canAsk && void st.ask(models)}
            />
          </label>
          <label className="field">
            Context
            <textarea className="input pg-context" aria-label="Context" placeholder="Paste a paragraph (any length)." value={st.context} onChange={(e) => st.setText({ context: e.target.value })} />
          </label>
          {st.golds ? (
            <div className="small muted">
              Gold answers from the dataset: <span className="gold-list inline">{st.golds.map((g, i) => <span key={i}>{g}</span>)}</span>
            </div>
          ) : null}
        </div>
        <div className="row pg-controls">
          <ModelSelect column={0} models={models} label="Model" />
          <label className="row small">
            <input type="checkbox" checked={st.compare} onChange={(e) => st.setCompare(e.target.checked)} aria-label="Compare with a second model" /> compare with
          </label>
          {st.compare ? <ModelSelect column={1} models={models} label="Second model" /> : null}
          <label className="row small">
            max_length
            <input className="input pg-num" type="number" min={16} aria-label="Playground max_length" value={st.maxLength} onChange={(e) => st.setSettings({ maxLength: Math.trunc(Number(e.target.value)) })} />
          </label>
          <label className="row small">
            stride
            <input className="input pg-num" type="number" min={0} aria-label="Playground stride" value={st.stride} onChange={(e) => st.setSettings({ stride: Math.trunc(Number(e.target.value)) })} />
          </label>
          <label className="row small">
            top-k
            <input className="input pg-num" type="number" min={1} max={MAX_TOP_K} aria-label="Top-k" value={st.topK} onChange={(e) => st.setSettings({ topK: Math.max(1, Math.trunc(Number(e.target.value))) })} />
          </label>
          <WorkerBackendPicker label="Playground backend" testId="playground-backend" disabled={busy} compact />
          <div className="grow" />
          <button className="btn primary" disabled={!canAsk} onClick={() => void st.ask(models)}>
            {busy ? 'Answering…' : 'Ask'}
          </button>
        </div>
        {loaded && models.length === 0 ? <div className="job warn" style={{ marginTop: 12 }}>No models yet: add one in the Model panel (download, open a folder, or initialise one at random).</div> : null}
        {st.linkNote ? (
          <div className="job warn" style={{ marginTop: 12 }} data-testid="link-note">
            {st.linkNote}
          </div>
        ) : null}
      </section>
      <section className="card" aria-label="Answers">
        <div className="card-head">
          <h2>Answers</h2>
          <div className="spacer" />
          <button className="btn" onClick={() => void st.askReference()} disabled={!st.question.trim() || st.reference.status === 'loading'} title={`${REFERENCE_MODEL} through transformers.js, downloaded from a CDN when you ask`}>
            {st.reference.status === 'off' ? 'Add reference model' : 'Ask reference model'}
          </button>
          <CopyLink title="The question, context and model(s) of the last answer, in the URL" />
          <span className="muted small">heatmap</span>
          <span className="segmented" role="group" aria-label="Heatmap">
            {(['both', 'start', 'end', 'off'] as HeatMode[]).map((m) => (
              <button key={m} className={heat === m ? 'on' : ''} onClick={() => setHeat(m)}>
                {m}
              </button>
            ))}
          </span>
        </div>
        <div className={`pg-columns n${shown.length + (st.reference.status === 'off' ? 0 : 1)}`}>
          {shown.map((c, i) => (
            <AnswerColumn key={i} column={c} heat={heat} label={models.find((m) => m.id === c.modelId)?.label ?? models[models.length - 1]?.label ?? 'model'} />
          ))}
          {st.reference.status !== 'off' ? <ReferenceColumn /> : null}
        </div>
        <div className="pg-legend small muted">
          {heat === 'off' ? null : (
            <>
              Each context token coloured by the model's probability that the answer <span className="key s">starts</span>
              {heat === 'both' ? ' (top half) and ' : heat === 'end' ? '' : ' '}
              {heat !== 'start' ? (
                <>
                  <span className="key e">ends</span>
                  {heat === 'both' ? ' (bottom half)' : ''}
                </>
              ) : null}{' '}
              there: darker is likelier, on a square-root scale (softmax over the context's tokens; each token's logit from the window where it is most central). Hover a token for the numbers.{' '}
            </>
          )}
          The answer is outlined.
        </div>
      </section>
      <PairPlayground />
    </>
  );
}

function ModelSelect({ column, models, label }: { column: number; models: ModelInfo[]; label: string }) {
  const id = usePlayground((s) => s.columns[column].modelId);
  const setModel = usePlayground((s) => s.setModel);
  return <ColumnSelect items={models.map((m) => ({ id: m.id, caption: m.label }))} chosen={id} onChange={(v) => setModel(column, v)} label={label} />;
}

function ExamplePicker() {
  const datasets = useStudio((s) => s.datasets);
  const setText = usePlayground((s) => s.setText);
  const [datasetId, setDatasetId] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [matches, setMatches] = useState<QuestionRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const dataset = datasets.find((d) => d.id === datasetId) ?? datasets[0];
  const seq = useRef(0);

  const search = async (text: string) => {
    if (!dataset) return;
    const mine = ++seq.current;
    const rows = await dataWorker().call('questions', { id: dataset.id, query: text || undefined });
    if (mine === seq.current) setMatches(rows);
  };

  const pick = async (row: QuestionRow) => {
    if (!dataset) return;
    setError(null);
    try {
      const p = await dataWorker().call('paragraph', { id: dataset.id, article: row.article, paragraph: row.paragraph });
      const qa = p.qas.find((q) => q.id === row.id);
      setText({ context: p.context, question: row.question }, qa ? qa.answers.map((a) => a.text) : null);
      setMatches(null);
      setQuery('');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  const random = async () => {
    if (!dataset) return;
    const rows = await dataWorker().call('questions', { id: dataset.id });
    if (rows.length) await pick(rows[Math.floor(Math.random() * rows.length)]);
  };

  if (!dataset) return null;
  return (
    <div className="row pg-picker">
      <span className="small muted">Example from</span>
      <select className="input" aria-label="Example dataset" value={dataset.id} onChange={(e) => setDatasetId(e.target.value)}>
        {datasets.map((d) => (
          <option key={d.id} value={d.id}>
            {d.name}
          </option>
        ))}
      </select>
      <div className="pg-search">
        <input
          className="input"
          aria-label="Find an example"
          placeholder="Words of a question, or an id"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            void search(e.target.value.trim());
          }}
          onFocus={() => void search(query.trim())}
        />
        {matches ? (
          <div className="pg-matches" data-testid="example-picker-matches">
            {matches.length === 0 ? <div className="empty">No question matches.</div> : null}
            {matches.slice(0, 30).map((m) => (
              <div key={m.id} className="vrow" onClick={() => void pick(m)}>
                <span className="ellipsis">{m.question}</span>
                <span className="mono muted small">{m.id}</span>
              </div>
            ))}
            <div className="row small muted" style={{ padding: '4px 10px' }}>
              <span className="grow">{matches.length > 30 ? `first 30 of ${matches.length}` : ''}</span>
              <button className="btn small" onClick={() => setMatches(null)}>
                Close
              </button>
            </div>
          </div>
        ) : null}
      </div>
      <button className="btn" onClick={() => void random()}>
        Random example
      </button>
      {error ? <span className="error-text small">{error}</span> : null}
    </div>
  );
}

function pct(p: number): string {
  return `${(100 * p).toFixed(p < 0.01 ? 2 : 1)}%`;
}

function AnswerColumn({ column, heat, label }: { column: Column; heat: HeatMode; label: string }) {
  const question = usePlayground((s) => s.question);
  const context = usePlayground((s) => s.context);
  const r = column.result;
  const stale = column.asked && (column.asked.question !== question || column.asked.context !== context);
  return (
    <div className="pg-column" data-testid="pg-column">
      <div className="pg-col-head">
        <b>{r?.modelLabel ?? label}</b>
        {r ? (
          <span className="muted small">
            {r.windows} window{r.windows === 1 ? '' : 's'} · {r.millis} ms
          </span>
        ) : null}
        {column.busy ? <span className="pill">answering…</span> : null}
      </div>
      {column.error ? (
        <div className="error-text small" role="alert" data-testid="pg-error">
          {column.error}
        </div>
      ) : null}
      {!r && !column.error && !column.busy ? <div className="empty">Type a question and press Ask.</div> : null}
      {r && column.asked ? (
        <>
          {stale ? <div className="small muted">Answered for an earlier question or context; press Ask again.</div> : null}
          <div className="pg-answer" data-testid="pg-answer">
            {r.answer ? (
              <>
                <span className="pg-answer-text" data-testid="pg-answer-text">
                  {r.answer.text}
                </span>
                <span className="pill ok" data-testid="pg-probability" title="softmax share of this span among the n_best start/end pairs of all windows">
                  p = {pct(r.answer.probability)}
                </span>
              </>
            ) : (
              <i className="muted" data-testid="pg-no-answer">
                {column.asked.context.trim()
                  ? 'No answer: none of the model’s likeliest start and end positions form a span of the context (each pair starts after its end, falls outside the context, or is longer than 30 tokens).'
                  : 'No answer: the context is empty.'}
              </i>
            )}
          </div>
          <HeatContext context={column.asked.context} result={r} heat={heat} />
          <TopK items={r.candidates.map((c) => ({ text: c.text, probability: c.probability, score: c.score }))} />
        </>
      ) : null}
    </div>
  );
}

function HeatContext({ context, result, heat }: { context: string; result: NonNullable<Column['result']>; heat: HeatMode }) {
  const a = result.answer;
  const box = useRef<HTMLDivElement>(null);
  // In a long context the answer may sit far below the fold: bring it into the box's view.
  useEffect(() => {
    const el = box.current;
    const first = el?.querySelector<HTMLElement>('.ht.ans');
    if (el && first) el.scrollTop = Math.max(0, first.offsetTop - 40);
  }, [result]);
  const parts = [];
  let at = 0;
  for (const t of result.tokens) {
    if (t.start > at) parts.push(context.slice(at, t.start));
    // Absolute probability on a square-root scale: a confident model shows a few dark tokens, an
    // untrained one a faint wash, rather than both looking alike after scaling to the maximum.
    const s = heat === 'start' || heat === 'both' ? Math.sqrt(t.startProbability) : 0;
    const e = heat === 'end' || heat === 'both' ? Math.sqrt(t.endProbability) : 0;
    const green = `rgba(31, 157, 85, ${(0.85 * s).toFixed(3)})`;
    const red = `rgba(214, 69, 69, ${(0.85 * e).toFixed(3)})`;
    const bg =
      heat === 'both' ? `linear-gradient(to bottom, ${green} 0 50%, ${red} 50% 100%)` : heat === 'start' ? green : heat === 'end' ? red : undefined;
    const inAnswer = a !== null && t.start >= a.start && t.end <= a.end;
    parts.push(
      <span
        key={t.index}
        className={`ht${inAnswer ? ' ans' : ''}`}
        style={bg ? { background: bg } : undefined}
        title={`${t.token} · start p ${t.startProbability.toFixed(4)} · end p ${t.endProbability.toFixed(4)} · window ${t.window + 1}`}
      >
        {context.slice(t.start, t.end)}
      </span>,
    );
    at = Math.max(at, t.end);
  }
  if (at < context.length) parts.push(context.slice(at));
  return (
    <div className="context pg-heat" data-testid="pg-heatmap" ref={box}>
      {parts}
    </div>
  );
}

function TopK({ items }: { items: { text: string; probability: number; score?: number }[] }) {
  return (
    <div className="pg-topk" data-testid="pg-topk">
      <h4>Top {items.length}</h4>
      {items.map((c, i) => (
        <div key={i} className="pg-cand" data-testid="pg-candidate">
          <span className="muted small">{i + 1}</span>
          <span className="pg-cand-text" title={c.text}>
            {c.text || <i className="muted">(empty)</i>}
          </span>
          <span className="pg-bar">
            <span style={{ width: `${Math.max(1, 100 * c.probability)}%` }} />
          </span>
          <span className="small num">{pct(c.probability)}</span>
        </div>
      ))}
    </div>
  );
}

function ReferenceColumn() {
  const ref = usePlayground((s) => s.reference);
  const close = usePlayground((s) => s.closeReference);
  const best: ReferenceAnswer | undefined = ref.status === 'ready' ? ref.answers[0] : undefined;
  return (
    <div className="pg-column reference" data-testid="pg-reference">
      <div className="pg-col-head">
        <div className="grow">
          <b>{REFERENCE_MODEL}</b> <span className="muted small">reference · transformers.js{ref.status === 'ready' ? ` · ${ref.millis} ms` : ''}</span>
        </div>
        <button className="btn small" onClick={close} aria-label="Close the reference model">
          ×
        </button>
      </div>
      {ref.status === 'loading' ? <div className="muted small" data-testid="reference-status">{ref.label}</div> : null}
      {ref.status === 'unavailable' ? (
        <div className="job error small" role="alert" data-testid="reference-status">
          {ref.message}
        </div>
      ) : null}
      {ref.status === 'ready' ? (
        <>
          <div className="pg-answer">
            {best ? (
              <>
                <span className="pg-answer-text">{best.text}</span>
                <span className="pill ok">p = {pct(best.probability)}</span>
              </>
            ) : (
              <i className="muted">No answer.</i>
            )}
          </div>
          <div className="context pg-heat">
            <Highlighted text={ref.asked.context} spans={best && best.start !== null && best.end !== null ? [{ start: best.start, end: best.end, className: 'answer strong' }] : []} />
          </div>
          <TopK items={ref.answers} />
        </>
      ) : null}
    </div>
  );
}
