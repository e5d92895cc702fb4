import { useEffect, useState } from 'react';
import { usePairs } from '../../state/pairs.js';
import { useInspector } from '../../state/inspector.js';
import { usePairInspector } from '../../state/pair-inspector.js';
import type { InspectedPair } from '../../workers/features-api.js';
import { Count } from '../common/Count.js';
import { Highlighted, type Span } from '../common/Highlighted.js';
import { LabelPill } from '../data/LabelPill.js';
import { formatCount, plural } from '../format.js';
import { VocabPicker } from './VocabPicker.js';
import './pair-inspector.css';
import { PairSetOptions } from '../data/PairSetOptions.js';

/** A sentence token under the pointer: sentence 0/1 and its index in that sentence's full tokenization. */
type Hover = { s: 0 | 1; i: number } | null;

/** The pair view of the Feature Inspector: one MRPC pair's tokens, what truncation cut, and its batch's padding. */
export function PairInspector() {
  const pairSets = usePairs((s) => s.pairDatasets);
  const loaded = usePairs((s) => s.loaded);
  const st = usePairInspector();
  const vocabId = useInspector((s) => s.vocabId);
  const lowercase = useInspector((s) => s.lowercase);

  useEffect(() => {
    void usePairs.getState().refresh();
    void useInspector.getState().loadVocabs();
  }, []);

  const pairsId = st.pairsId && pairSets.some((d) => d.id === st.pairsId) ? st.pairsId : (pairSets[pairSets.length - 1]?.id ?? null);
  useEffect(() => {
    if (pairsId && pairsId !== usePairInspector.getState().pairsId) usePairInspector.getState().setPairs(pairsId);
  }, [pairsId]);

  // Any setting change reopens the pair shown (or the first one) under the new settings.
  const settingsKey = JSON.stringify([st.pairsId, vocabId, lowercase, st.maxLength, st.batching]);
  useEffect(() => {
    const s = usePairInspector.getState();
    if (!s.pairsId || !vocabId) return;
    void s.open(s.rowId !== null ? { rowId: s.rowId } : { position: 0 });
  }, [settingsKey, vocabId]);

  const b = st.batching;
  const num = (v: string) => Math.trunc(Number(v));
  return (
    <>
      <section className="card" aria-label="Pair tokenization settings">
        <div className="card-head">
          <h2>Sentence pairs (MRPC)</h2>
          <span className="muted small">tokens, truncation (longest_first) and the padding of each pair's batch, as the Trainer sees them</span>
        </div>
        {loaded && pairSets.length === 0 ? (
          <div className="empty">No sentence-pair dataset yet: import MRPC's dev.tsv (or any pair file) in the Data panel.</div>
        ) : (
          <div className="pi-settings">
            <label className="field">
              Pair dataset
              <select className="input" aria-label="Pair dataset" value={pairsId ?? ''} onChange={(e) => st.setPairs(e.target.value)}>
                <PairSetOptions sets={pairSets} />
              </select>
            </label>
            <div className="pi-vocab">
              <VocabPicker />
            </div>
            <label className="field pi-num">
              max_length
              <input className="input" type="number" min={3} max={512} aria-label="Pair max_length" value={st.maxLength} onChange={(e) => st.setSettings({ maxLength: num(e.target.value) })} />
            </label>
            <label className="field pi-num">
              Batch size
              <input className="input" type="number" min={1} aria-label="Inspector batch size" value={b.batchSize} onChange={(e) => st.setSettings({ batching: { batchSize: num(e.target.value) } })} />
            </label>
            <label className="field pi-num">
              Seed
              <input className="input" type="number" min={0} aria-label="Inspector seed" value={b.seed} onChange={(e) => st.setSettings({ batching: { seed: num(e.target.value) } })} />
            </label>
            <label className="field pi-num">
              Epoch
              <input className="input" type="number" min={1} aria-label="Inspector epoch" value={b.epoch + 1} onChange={(e) => st.setSettings({ batching: { epoch: num(e.target.value) - 1 } })} />
            </label>
            <div className="pi-checks">
              <label className="row small">
                <input type="checkbox" checked={b.shuffle} onChange={(e) => st.setSettings({ batching: { shuffle: e.target.checked } })} aria-label="Shuffle" /> shuffle
              </label>
              <label className="row small">
                <input type="checkbox" checked={b.groupByLength} onChange={(e) => st.setSettings({ batching: { groupByLength: e.target.checked } })} aria-label="group_by_length" /> group_by_length
              </label>
            </div>
          </div>
        )}
        {st.fromRun ? (
          <div className="muted small" style={{ marginTop: 8 }} data-testid="pair-from-run">
            Settings of the run “{st.fromRun}”: its vocabulary, max_length, batch size, seed and grouping.
          </div>
        ) : null}
        {st.note ? (
          <div className="job warn" style={{ marginTop: 10 }}>
            {st.note}
          </div>
        ) : null}
      </section>
      {pairsId ? <PairCard /> : null}
    </>
  );
}

function PairSearch() {
  const st = usePairInspector();
  const [row, setRow] = useState('');
  // The field shows the row on screen, however it was reached (stepping, search, a batch mate).
  const shownId = st.pair?.id;
  useEffect(() => {
    if (shownId !== undefined) setRow(shownId);
  }, [shownId]);
  return (
    <div className="row pi-nav">
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (row.trim()) void st.open({ rowId: row.trim() });
        }}
      >
        <input className="input pi-row" aria-label="Row id" placeholder="row id" value={row} onChange={(e) => setRow(e.target.value)} />
        <button className="btn">Open row</button>
      </form>
      <div className="search-form grow">
        <input className="input" style={{ width: '100%' }} placeholder="Search words of either sentence, or a pair id" aria-label="Search pairs" value={st.query} onChange={(e) => void st.search(e.target.value)} />
        {st.matches ? (
          <div className="search-results pi-results" data-testid="pair-matches">
            <div className="row small muted" style={{ padding: '6px 10px' }}>
              <span className="grow">{st.matches.total === 0 ? 'No pair matches.' : `${formatCount(st.matches.total)} ${plural(st.matches.total, 'match', 'matches')}${st.matches.total > st.matches.list.length ? `, the first ${st.matches.list.length} shown` : ''}`}</span>
              <button type="button" className="btn small" onClick={() => void st.search('')}>
                Close
              </button>
            </div>
            {st.matches.list.map((m) => (
              <div
                key={m.id}
                className="vrow pi-match"
                onClick={() => {
                  void st.search('');
                  void st.open({ rowId: m.id });
                }}
              >
                <span className="mono muted small">{m.id}</span>
                <span className="pair-text">
                  <span className="ellipsis">{m.sentence1}</span>
                  <span className="ellipsis muted">{m.sentence2}</span>
                </span>
              </div>
            ))}
          </div>
        ) : null}
      </div>
      <button className="btn" disabled={!st.pair || st.pair.position <= 0} onClick={() => st.pair && void st.open({ position: st.pair.position - 1 })} aria-label="Previous pair">
        ←
      </button>
      <span className="muted small" data-testid="pair-position">
        {st.pair ? `${formatCount(st.pair.position + 1)} / ${formatCount(st.pair.total)}` : ''}
      </span>
      <button className="btn" disabled={!st.pair || st.pair.position >= st.pair.total - 1} onClick={() => st.pair && void st.open({ position: st.pair.position + 1 })} aria-label="Next pair">
        →
      </button>
    </div>
  );
}

function PairCard() {
  const pair = usePairInspector((s) => s.pair);
  const error = usePairInspector((s) => s.error);
  const maxLength = usePairInspector((s) => s.maxLength);
  const [hover, setHover] = useState<Hover>(null);
  return (
    <section className="card" aria-label="Pair inspector" data-testid="pair-inspector">
      <PairSearch />
      {error ? (
        <div className="error-text" role="alert" style={{ marginTop: 10 }} data-testid="pair-inspector-error">
          {error}
        </div>
      ) : null}
      {pair ? (
        <>
          <div className="row pi-title">
            <b data-testid="pair-row-id">Row {pair.id}</b>
            {pair.pairId ? <span className="mono muted small">pair {pair.pairId}</span> : null}
            <LabelPill label={pair.label} />
          </div>
          <div className="counts" style={{ margin: '10px 0 14px' }}>
            {([0, 1] as const).map((s) => (
              <Count key={s} n={`${pair.kept[s]} / ${pair.lengths[s]}`} label={`sentence ${s + 1} tokens kept`} testId={`kept-${s + 1}`} />
            ))}
            <Count n={pair.tokens.length} label={`tokens in the row (max_length ${maxLength})`} testId="row-length" />
            <Count n={`${formatCount(pair.truncatedRows)} / ${formatCount(pair.total)}`} label={`rows truncation cuts at ${maxLength}`} testId="rows-cut" />
          </div>
          <ModelInput pair={pair} hover={hover} setHover={setHover} />
          <div className="pi-sentences">
            {([0, 1] as const).map((s) => (
              <SentenceView key={s} pair={pair} s={s} hover={hover} setHover={setHover} />
            ))}
          </div>
          <BatchView pair={pair} />
        </>
      ) : error ? null : (
        <div className="empty">Tokenizing…</div>
      )}
    </section>
  );
}

/** The model-input position of sentence s's token i (null when truncation dropped it). */
function positionOf(pair: InspectedPair, s: 0 | 1, i: number): number | null {
  if (i >= pair.kept[s]) return null;
  return s === 0 ? 1 + i : 2 + pair.kept[0] + i;
}

function ModelInput({ pair, hover, setHover }: { pair: InspectedPair; hover: Hover; setHover(h: Hover): void }) {
  const hovered = hover ? positionOf(pair, hover.s, hover.i) : null;
  const pads = pair.batch.padding;
  return (
    <div className="window">
      <div className="window-head">
        <b>What the model reads</b>
        <span className="muted">
          input_ids with token_type_ids under each token; attention_mask 1 on all {pair.tokens.length}
          {pads ? `, then ${pads} [PAD] (type 0, mask 0) from its batch` : ''}
        </span>
      </div>
      <div className="chips" data-testid="pair-input">
        {pair.tokens.map((t, k) => {
          const seq = pair.sequenceIds[k];
          const cls = ['tok', 'pi-tok', seq === null ? 'special' : seq === 0 ? 'question' : 'pi-seg1'];
          if (k === hovered) cls.push('hovered');
          const off = pair.offsets[k];
          return (
            <span
              key={k}
              className={cls.join(' ')}
              data-testid="pair-token"
              data-type={pair.tokenTypes[k]}
              data-id={pair.tokenIds[k]}
              onMouseEnter={() => seq !== null && setHover({ s: seq, i: seq === 0 ? k - 1 : k - 2 - pair.kept[0] })}
              onMouseLeave={() => setHover(null)}
              title={`#${k} id ${pair.tokenIds[k]} · token type ${pair.tokenTypes[k]}${seq === null ? '' : ` · sentence ${seq + 1} chars ${off[0]}–${off[1]}`}`}
            >
              {t}
              <sub>{pair.tokenTypes[k]}</sub>
            </span>
          );
        })}
        {pads > 0 ? (
          <span className="tok pad" data-testid="pair-pad" title={`positions ${pair.tokens.length}–${pair.batch.longest - 1}: padding to the batch's longest row`}>
            [PAD] × {pads}
          </span>
        ) : null}
      </div>
    </div>
  );
}

function SentenceView({ pair, s, hover, setHover }: { pair: InspectedPair; s: 0 | 1; hover: Hover; setHover(h: Hover): void }) {
  const tokens = pair.sentences[s];
  const kept = pair.kept[s];
  const dropped = tokens.length - kept;
  const text = s === 0 ? pair.sentence1 : pair.sentence2;
  const marks: Span[] = [];
  if (dropped > 0) marks.push({ start: tokens[kept].start, end: text.length, className: 'pi-cut', title: `cut by truncation at max_length` });
  if (hover?.s === s && tokens[hover.i]) marks.push({ start: tokens[hover.i].start, end: tokens[hover.i].end, className: 'hover' });
  return (
    <div className="window" data-testid={`sentence-${s + 1}`}>
      <div className="window-head">
        <b>Sentence {s + 1}</b>
        <span className="muted">token type {s}</span>
        <span>
          {kept} of {tokens.length} tokens kept
        </span>
        {dropped > 0 ? (
          <span className="pill bad" data-testid={`dropped-count-${s + 1}`}>
            {dropped} dropped by truncation
          </span>
        ) : (
          <span className="pill ok">nothing cut</span>
        )}
      </div>
      <div className="pi-text">
        <Highlighted text={text} spans={marks} />
      </div>
      <div className="chips" data-testid={`sentence-${s + 1}-tokens`}>
        {tokens.map((t, i) => (
          <span
            key={i}
            className={`tok pi-tok ${i < kept ? (s === 0 ? 'question' : 'pi-seg1') : 'pi-dropped'}${hover?.s === s && hover.i === i ? ' hovered' : ''}`}
            data-testid={i < kept ? 'kept-token' : 'dropped-token'}
            data-id={t.id}
            onMouseEnter={() => setHover({ s, i })}
            onMouseLeave={() => setHover(null)}
            title={`id ${t.id} · chars ${t.start}–${t.end}${i < kept ? ` · position ${positionOf(pair, s, i)}` : ' · dropped by truncation'}`}
          >
            {t.token}
          </span>
        ))}
      </div>
    </div>
  );
}

function BatchView({ pair }: { pair: InspectedPair }) {
  const b = pair.batch;
  const open = usePairInspector((s) => s.open);
  const mine = pair.tokens.length;
  return (
    <div className="window pi-batch" data-testid="pair-batch">
      <div className="window-head">
        <b data-testid="pair-batch-title">
          Epoch {b.epoch + 1}, batch {b.batch + 1} of {b.batches}
        </b>
        <span className="muted">
          {b.rows.length} {plural(b.rows.length, 'row')}, padded to {b.longest} tokens (its longest row, {b.longestRowId === pair.id ? 'this one' : `row ${b.longestRowId}`})
        </span>
        <span data-testid="pair-padding-summary">
          this pair: {mine} tokens + <b>{b.padding}</b> [PAD]; the batch: {b.batchPadding} [PAD] of {b.longest * b.rows.length} positions
        </span>
      </div>
      <div className="pi-batch-rows">
        {b.rowIds.map((id, k) => {
          const len = b.rowLengths[k];
          return (
            <div key={id} className={`pi-batch-row${id === pair.id ? ' me' : ''}`} data-testid="batch-row">
              <button className="btn small mono" onClick={() => void open({ rowId: id })} title={`open row ${id}`} disabled={id === pair.id}>
                {id}
              </button>
              <span className="pi-bar" title={`${len} tokens + ${b.longest - len} [PAD]`}>
                <span className="real" style={{ width: `${(100 * len) / b.longest}%` }} />
                <span className="pad" style={{ width: `${(100 * (b.longest - len)) / b.longest}%` }} />
              </span>
              <span className="small mono">
                {len} + {b.longest - len}
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
