import { useEffect, useMemo, useRef, useState } from 'react';
import './pairs.css';
import { useVirtualizer } from '@tanstack/react-virtual';
import { usePairs } from '../../state/pairs.js';
import type { PairDatasetInfo } from '../../core/storage/pairs.js';
import type { PairExample } from '../../core/tasks/mrpc/types.js';
import { MRPC_LABELS } from '../../core/tasks/mrpc/types.js';
import { dataWorker } from '../../workers/clients.js';
import { formatBytes, formatCount } from '../format.js';

const FORMAT_LABEL = { 'glue-tsv': 'tsv', csv: 'CSV', jsonl: 'JSONL' } as const;

/** Stored sentence-pair datasets (the MRPC task), listed below the SQuAD sets, and the selected one's pairs. */
export function PairDatasets() {
  const list = usePairs((s) => s.pairDatasets);
  const loaded = usePairs((s) => s.loaded);
  const selectedId = usePairs((s) => s.selectedPairId);
  const { refresh, select, remove } = usePairs.getState();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void refresh().catch((e: Error) => setError(e.message));
  }, [refresh]);
  const selected = list.find((d) => d.id === selectedId) ?? null;
  return (
    <>
      <section className="card" aria-label="Stored sentence pairs">
        <div className="card-head">
          <h2>Sentence-pair datasets</h2>
          <span className="muted small">{loaded ? `${list.length} stored · task: GLUE MRPC` : 'loading…'}</span>
        </div>
        {error ? <div className="error-text small">{error}</div> : null}
        {loaded && list.length === 0 ? (
          <div className="empty">No sentence-pair datasets yet. Import an MRPC file above.</div>
        ) : (
          <div className="pair-table-scroll">
            <table className="grid" data-testid="pair-dataset-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Task</th>
                  <th>Format</th>
                  <th className="num">Pairs</th>
                  <th className="num">Equivalent</th>
                  <th className="num">Not equivalent</th>
                  <th className="num">Size</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {list.map((d) => (
                  <tr key={d.id} className={d.id === selectedId ? 'selected' : ''} onClick={() => select(d.id)} data-testid="pair-dataset-row">
                    <td title={d.source.detail}>
                      <b className="dataset-name">{d.name}</b>
                    </td>
                    <td>
                      <span className="pill">MRPC</span>
                    </td>
                    <td>{FORMAT_LABEL[d.format]}</td>
                    <td className="num" data-testid="col-pairs">{formatCount(d.pairs)}</td>
                    <td className="num">{d.unlabelled ? '—' : formatCount(d.positives)}</td>
                    <td className="num">{d.unlabelled ? '—' : formatCount(d.negatives)}</td>
                    <td className="num">{formatBytes(d.bytes)}</td>
                    <td style={{ whiteSpace: 'nowrap', textAlign: 'right' }} onClick={(e) => e.stopPropagation()}>
                      <button
                        className="btn small danger"
                        onClick={() => {
                          if (confirm(`Delete the dataset “${d.name}”? This cannot be undone.`)) void remove(d.id).catch((e: Error) => setError(e.message));
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
        )}
      </section>
      {selected ? <PairBrowser key={selected.id} dataset={selected} /> : null}
    </>
  );
}

type LabelFilter = 'all' | '1' | '0';

function PairBrowser({ dataset }: { dataset: PairDatasetInfo }) {
  const [pairs, setPairs] = useState<PairExample[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [label, setLabel] = useState<LabelFilter>('all');
  const [selected, setSelected] = useState<PairExample | null>(null);
  useEffect(() => {
    let live = true;
    dataWorker()
      .call('pairs-rows', { id: dataset.id })
      .then((p) => live && setPairs(p), (e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [dataset.id]);
  const shown = useMemo(() => {
    if (!pairs) return [];
    const q = query.trim().toLowerCase();
    return pairs.filter(
      (p) =>
        (label === 'all' || String(p.label) === label) &&
        (!q || p.id === q || p.sentence1.toLowerCase().includes(q) || p.sentence2.toLowerCase().includes(q) || p.pairId?.includes(q)),
    );
  }, [pairs, query, label]);
  return (
    <section className="card" aria-label="Pair browser">
      <div className="card-head">
        <h2>Browse pairs</h2>
        <span className="muted small">{dataset.name} · label 1 = equivalent (a paraphrase), 0 = not</span>
      </div>
      {error ? <div className="error-text small">{error}</div> : null}
      <div className="pair-browser">
        <div className="col">
          <div className="col-head">
            <input className="input grow" placeholder="Search sentences, row or pair id" aria-label="Search pairs" value={query} onChange={(e) => setQuery(e.target.value)} />
            <select className="input" aria-label="Label filter" value={label} onChange={(e) => setLabel(e.target.value as LabelFilter)}>
              <option value="all">all labels</option>
              <option value="1">equivalent</option>
              <option value="0">not equivalent</option>
            </select>
            <span className="muted" data-testid="pair-count">
              {pairs ? formatCount(shown.length) : '…'}
            </span>
          </div>
          <PairList pairs={shown} selectedId={selected?.id ?? null} onSelect={setSelected} />
        </div>
        <div className="col">
          {selected ? <PairDetail pair={selected} /> : <div className="empty">Pick a pair to read both sentences.</div>}
        </div>
      </div>
    </section>
  );
}

export function LabelPill({ label }: { label: 0 | 1 | null }) {
  if (label === null) return <span className="pill">no label</span>;
  return <span className={`pill ${label === 1 ? 'ok' : 'bad'}`}>{MRPC_LABELS[label].replace('_', ' ')}</span>;
}

function PairList({ pairs, selectedId, onSelect }: { pairs: PairExample[]; selectedId: string | null; onSelect(p: PairExample): void }) {
  const parent = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: pairs.length, getScrollElement: () => parent.current, estimateSize: () => 52, overscan: 10 });
  if (!pairs.length) return <div className="empty">No pairs match.</div>;
  return (
    <div className="vlist" ref={parent} data-testid="pair-list">
      <div style={{ height: v.getTotalSize() }}>
        {v.getVirtualItems().map((item) => {
          const p = pairs[item.index];
          return (
            <div
              key={item.key}
              className={`vrow pair-row${p.id === selectedId ? ' selected' : ''}`}
              style={{ top: item.start, height: item.size }}
              onClick={() => onSelect(p)}
              data-pair-id={p.id}
            >
              <span className="mono muted small pair-idx">{p.id}</span>
              <span className="pair-text">
                <span className="ellipsis">{p.sentence1}</span>
                <span className="ellipsis muted">{p.sentence2}</span>
              </span>
              <LabelPill label={p.label} />
            </div>
          );
        })}
      </div>
    </div>
  );
}

function PairDetail({ pair }: { pair: PairExample }) {
  return (
    <div className="qa-detail" data-testid="pair-detail">
      <div className="muted small">
        row <span className="mono">{pair.id}</span>
        {pair.pairId ? (
          <>
            {' '}· pair id <span className="mono">{pair.pairId}</span>
          </>
        ) : null}{' '}
        · <LabelPill label={pair.label} />
      </div>
      <div className="pair-sentence">
        <span className="muted small">Sentence 1</span>
        <div>{pair.sentence1}</div>
      </div>
      <div className="pair-sentence">
        <span className="muted small">Sentence 2</span>
        <div>{pair.sentence2}</div>
      </div>
    </div>
  );
}
