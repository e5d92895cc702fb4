import { useEffect, useRef, useState } from 'react';
import type { DatasetInfo } from '../../core/storage/types.js';
import { useInspector, type Span } from '../../state/inspector.js';
import type { InspectedExample, InspectedWindow } from '../../workers/features-api.js';
import { Highlighted, type Span as Mark } from '../common/Highlighted.js';
import { normalizeAnswer } from '../../core/squad/metric.js';
import { LogitBars, LogitsLegend, logitTitle, windowLogits } from '../evaluate/LogitsOverlay.js';
import type { QuestionRow } from '../../core/storage/types.js';
import { dataWorker } from '../../workers/clients.js';

const PLACEMENT: Record<InspectedWindow['placement'], string> = {
  inside: 'answer fully inside',
  partial: 'answer partly inside',
  absent: 'answer not in window',
};

function labelOf(w: InspectedWindow, rule: 'fully-inside' | 'partial-overlap') {
  return rule === 'fully-inside' ? { start: w.startPosition, end: w.endPosition, text: w.decoded } : { start: w.partialOverlap.start, end: w.partialOverlap.end, text: w.partialDecoded };
}

function rulesDiffer(w: InspectedWindow): boolean {
  return w.startPosition !== w.partialOverlap.start || w.endPosition !== w.partialOverlap.end;
}

/** Why the tutorial rule labels this window differently, in words. */
function ruleNote(w: InspectedWindow): string {
  if (w.placement === 'partial')
    return 'Only part of the answer is in this window. The fully-inside rule labels it (0, 0) ([CLS]); the partial-overlap rule labels the part that is here, teaching the model a truncated answer.';
  return 'The two rules disagree on this window.';
}

export function ExampleView({ dataset }: { dataset: DatasetInfo }) {
  const st = useInspector();
  const ex = st.example;
  const [query, setQuery] = useState('');
  const [matches, setMatches] = useState<QuestionRow[] | null>(null);
  const contextRef = useRef<HTMLDivElement>(null);

  /** An exact id opens at once; any other text searches questions by text or id. */
  const search = async (text: string) => {
    const rows = await dataWorker().call('questions', { id: dataset.id, query: text });
    const exact = rows.find((r) => r.id === text);
    if (exact || rows.length === 1) {
      setMatches(null);
      void st.open(dataset.id, { id: (exact ?? rows[0]).id });
    } else setMatches(rows.slice(0, 50));
  };

  useEffect(() => {
    if (!ex) void st.open(dataset.id, { position: 0 });
    // Only when the dataset changes: the example itself drives the rest.
  }, [dataset.id]);

  const onMouseUp = () => {
    const sel = window.getSelection();
    const root = contextRef.current;
    if (!sel || !root || sel.rangeCount === 0 || sel.isCollapsed) return st.select(null);
    const range = sel.getRangeAt(0);
    if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return;
    const before = document.createRange();
    before.setStart(root, 0);
    before.setEnd(range.startContainer, range.startOffset);
    const start = before.toString().length;
    st.select({ start, end: start + range.toString().length });
  };

  return (
    <section className="card" aria-label="Feature Inspector">
      <div className="card-head">
        <h2>Feature Inspector</h2>
        <div className="spacer" />
        <form
          className="row search-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (query.trim()) void search(query.trim());
          }}
        >
          <input className="input" style={{ width: 300 }} placeholder="Example id or words of a question" aria-label="Example id" value={query} onChange={(e) => setQuery(e.target.value)} />
          <button className="btn">Open</button>
          {matches ? (
            <div className="search-results" data-testid="example-matches">
              <div className="row small muted" style={{ padding: '6px 10px' }}>
                <span className="grow">{matches.length === 0 ? 'No question matches.' : `${matches.length}${matches.length === 50 ? '+' : ''} matches`}</span>
                <button type="button" className="btn small" onClick={() => setMatches(null)}>
                  Close
                </button>
              </div>
              {matches.map((m) => (
                <div
                  key={m.id}
                  className="vrow"
                  style={{ position: 'static', height: 32 }}
                  onClick={() => {
                    setMatches(null);
                    void st.open(dataset.id, { id: m.id });
                  }}
                >
                  <span className="ellipsis">{m.question}</span>
                  <span className="mono muted small">{m.id}</span>
                </div>
              ))}
            </div>
          ) : null}
        </form>
        <button className="btn" disabled={!ex || ex.position <= 0} onClick={() => ex && void st.open(dataset.id, { position: ex.position - 1 })} aria-label="Previous example">
          ←
        </button>
        <span className="muted small" data-testid="example-position">
          {ex ? `${(ex.position + 1).toLocaleString('en-US')} / ${ex.total.toLocaleString('en-US')}` : ''}
        </span>
        <button className="btn" disabled={!ex || ex.position >= ex.total - 1} onClick={() => ex && void st.open(dataset.id, { position: ex.position + 1 })} aria-label="Next example">
          →
        </button>
      </div>
      {st.exampleError ? <div className="error-text" role="alert">{st.exampleError}</div> : null}
      {ex ? (
        <>
          <div className="inspector-top">
            <div>
              <div className="muted small">
                {ex.title.replace(/_/g, ' ')} · paragraph {ex.paragraph + 1} · <span className="mono" data-testid="example-id">{ex.id}</span>
              </div>
              <div className="ex-question">
                <QuestionText ex={ex} />
              </div>
              <div className="ex-context" ref={contextRef} onMouseUp={onMouseUp} data-testid="inspector-context">
                <ContextText ex={ex} />
              </div>
              <div className="muted small" style={{ marginTop: 6 }}>
                Hover a token to light up its characters; select text here to light up the tokens covering it in every window.
                {st.selection ? (
                  <>
                    {' '}
                    Selected characters {st.selection.start}–{st.selection.end}.{' '}
                    <button className="btn small" onClick={() => st.select(null)}>
                      Clear
                    </button>
                  </>
                ) : null}
              </div>
            </div>
            <div className="legend">
              <div className="row">
                <span className="segmented" role="group" aria-label="Label rule">
                  <button className={st.rule === 'fully-inside' ? 'on' : ''} onClick={() => st.setRule('fully-inside')}>
                    fully-inside
                  </button>
                  <button className={st.rule === 'partial-overlap' ? 'on' : ''} onClick={() => st.setRule('partial-overlap')}>
                    partial-overlap
                  </button>
                </span>
              </div>
              <div className="row">
                <span className="segmented" role="group" aria-label="Layout">
                  <button className={st.layout === 'stacked' ? 'on' : ''} onClick={() => st.setLayout('stacked')}>
                    stacked
                  </button>
                  <button className={st.layout === 'side-by-side' ? 'on' : ''} onClick={() => st.setLayout('side-by-side')}>
                    side by side
                  </button>
                </span>
              </div>
              <div>
                <span className="tok special">[CLS]</span>special
              </div>
              <div>
                <span className="tok question">question</span>question
              </div>
              <div>
                <span className="tok context">context</span>context
              </div>
              <div>
                <span className="tok context overlap">shared</span>stride overlap with the previous window
              </div>
              <div>
                <span className="tok context gold">gold</span>gold answer characters
              </div>
              <div>
                <span className="tok context label start end">label</span>labelled start…end
              </div>
              <div>
                <span className="tok pad">[PAD]</span>padding
              </div>
              <div className="muted">
                {ex.windows.length} window{ex.windows.length === 1 ? '' : 's'}; {ex.windows.filter(rulesDiffer).length} labelled differently by the partial-overlap rule.
              </div>
              {st.overlay?.exampleId === ex.id ? <LogitsLegend overlay={st.overlay} /> : null}
            </div>
          </div>
          <h3 style={{ margin: '16px 0 10px' }}>
            Windows <span className="muted small">({ex.windows.length})</span>
          </h3>
          <div className={`windows ${st.layout}`} data-testid="windows">
            {ex.windows.map((w, i) => (
              <WindowView key={i} ex={ex} w={w} n={i} />
            ))}
          </div>
        </>
      ) : (
        <div className="empty">Loading the first example…</div>
      )}
    </section>
  );
}

function hoveredSpan(ex: InspectedExample, h: { window: number; token: number } | null): { seq: 0 | 1; span: Span } | null {
  if (!h) return null;
  const w = ex.windows[h.window];
  const off = w?.offsets[h.token];
  const seq = w?.sequenceIds[h.token];
  if (!off || seq === null || seq === undefined) return null;
  return { seq, span: { start: off[0], end: off[1] } };
}

function QuestionText({ ex }: { ex: InspectedExample }) {
  const h = hoveredSpan(ex, useInspector((s) => s.hovered));
  const marks: Mark[] = h && h.seq === 0 ? [{ ...h.span, className: 'hover' }] : [];
  return <Highlighted text={ex.question} spans={marks} />;
}

function ContextText({ ex }: { ex: InspectedExample }) {
  const h = hoveredSpan(ex, useInspector((s) => s.hovered));
  const marks: Mark[] = ex.answers.map((a, i) => ({ start: a.start, end: a.end, className: i === 0 ? 'answer strong' : 'answer', title: i === 0 ? 'gold answer (used for the label)' : 'another gold answer' }));
  const predicted = useInspector((s) => (s.overlay?.exampleId === ex.id ? s.overlay.predicted : null));
  if (predicted) marks.push({ start: predicted.start, end: predicted.end, className: 'predicted', title: 'predicted answer' });
  if (h && h.seq === 1) marks.push({ ...h.span, className: 'hover' });
  return <Highlighted text={ex.context} spans={marks} />;
}

function WindowView({ ex, w, n }: { ex: InspectedExample; w: InspectedWindow; n: number }) {
  const rule = useInspector((s) => s.rule);
  const hovered = useInspector((s) => s.hovered);
  const selection = useInspector((s) => s.selection);
  const hover = useInspector((s) => s.hover);
  const label = labelOf(w, rule);
  const gold = ex.answers[0];
  const hoverSpan = hoveredSpan(ex, hovered);
  const differs = rulesDiffer(w);
  const firstContext = w.sequenceIds.indexOf(1);
  const lastReal = w.attentionMask.lastIndexOf(1);
  const pads = w.tokens.length - 1 - lastReal;
  const ctxTokens = w.sequenceIds.filter((s) => s === 1).length;
  const firstOff = w.offsets[firstContext];
  const lastOff = w.offsets[firstContext + ctxTokens - 1];
  const labelled = !(label.start === 0 && label.end === 0);
  const match = labelled && gold ? normalizeAnswer(label.text ?? '') === normalizeAnswer(gold.text) : null;
  const overlay = useInspector((s) => s.overlay);
  const logits = windowLogits(overlay, ex.id, n, w.inputIds, lastReal + 1);
  const predicted = logits ? overlay?.predicted : null;

  const chips = [];
  for (let i = 0; i <= lastReal; i++) {
    const seq = w.sequenceIds[i];
    const off = w.offsets[i];
    const cls = ['tok', seq === 0 ? 'question' : seq === 1 ? 'context' : 'special'];
    if (seq === 1 && i - firstContext < w.overlapWithPrevious) cls.push('overlap');
    if (seq === 1 && off && gold && off[0] < gold.end && off[1] > gold.start) cls.push('gold');
    if (labelled && i >= label.start && i <= label.end) cls.push('label');
    if (labelled && i === label.start) cls.push('start');
    if (labelled && i === label.end) cls.push('end');
    if (!labelled && i === 0 && gold) cls.push('label', 'start', 'end');
    const same = hovered && hoverSpan && off && seq === hoverSpan.seq && off[0] === hoverSpan.span.start && off[1] === hoverSpan.span.end;
    if ((hovered && hovered.window === n && hovered.token === i) || same) cls.push('hovered');
    if (selection && seq === 1 && off && off[0] < selection.end && off[1] > selection.start) cls.push('selected');
    if (logits) {
      cls.push('has-logits');
      if (predicted && seq === 1 && off && off[0] < predicted.end && off[1] > predicted.start) cls.push('pred');
      if (i === logits.argStart) cls.push('argmax-start');
      if (i === logits.argEnd) cls.push('argmax-end');
    }
    chips.push(
      <span
        key={i}
        className={cls.join(' ')}
        data-token={i}
        onMouseEnter={() => hover({ window: n, token: i })}
        onMouseLeave={() => hover(null)}
        title={`#${i} id ${w.inputIds[i]}${off ? ` · chars ${off[0]}–${off[1]}` : ''}${seq === 1 ? ' · context' : seq === 0 ? ' · question' : ''}${logits ? logitTitle(logits, i) : ''}`}
      >
        {w.tokens[i]}
        {logits ? <LogitBars view={logits} i={i} /> : null}
      </span>,
    );
  }
  if (pads > 0)
    chips.push(
      <span key="pad" className="tok pad" title={`positions ${lastReal + 1}–${w.tokens.length - 1}`}>
        [PAD] × {pads}
      </span>,
    );

  return (
    <div className={`window${differs ? ' changed' : ''}`} data-testid="window">
      <div className="window-head">
        <b>
          Window {n + 1} of {ex.windows.length}
        </b>
        <span className="muted">
          {ctxTokens} context tokens{firstOff && lastOff ? `, chars ${firstOff[0]}–${lastOff[1]}` : ''}
          {n > 0 ? `, ${w.overlapWithPrevious} shared with window ${n}` : ''}
        </span>
        <span className={`pill ${w.placement === 'inside' ? 'ok' : w.placement === 'partial' ? 'bad' : ''}`}>{PLACEMENT[w.placement]}</span>
        <span data-testid="window-label">
          label ({rule}): <b>{label.start}</b>, <b>{label.end}</b>
          {labelled ? '' : ' → [CLS]'}
        </span>
        {labelled ? (
          <span className="decoded">
            decoded <span className="txt">{label.text}</span>
            {match ? <span className="pill ok">= gold</span> : <span className="pill bad" title={`gold: ${gold?.text}`}>≠ gold “{gold?.text}”</span>}
          </span>
        ) : null}
      </div>
      {differs ? <div className="window-note">{ruleNote(w)}</div> : null}
      {overlay?.exampleId === ex.id && !logits ? <div className="window-note">No logits for this window: its tokens differ from the ones the model saw (other settings).</div> : null}
      <div className="chips" data-testid={logits ? 'window-logits' : undefined}>
        {chips}
      </div>
    </div>
  );
}
