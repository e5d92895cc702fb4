import { useEffect, useMemo, useRef, useState } from 'react';
import './data.css';
import { useVirtualizer } from '@tanstack/react-virtual';
import { usePairs } from '../../state/pairs.js';
import type { PairDatasetInfo } from '../../core/storage/pairs.js';
import { histogram } from '../../core/storage/index.js';
import { pairSplitPlan } from '../../core/storage/pair-split.js';
import type { PairExample } from '../../core/tasks/mrpc/types.js';
import { LabelPill } from './LabelPill.js';
import { dataWorker } from '../../workers/clients.js';
import { countOf, formatCount, plural } from '../format.js';
import { Count } from '../common/Count.js';
import { Histogram, SplitTool } from './DatasetStats.js';
import { FORMAT_LABEL, TASK_LABEL } from './tasks.js';

const WORD_EDGES = [0, 20, 30, 40, 50, 60, 70, 80, 100];

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

/** The selected sentence-pair dataset: its statistics and split, then its pairs to browse. */
export function PairDetails({ dataset }: { dataset: PairDatasetInfo }) {
  const [pairs, setPairs] = useState<PairExample[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    dataWorker()
      .call('pairs-rows', { id: dataset.id })
      .then((p) => live && setPairs(p), (e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [dataset.id]);
  return (
    <>
      <PairStats dataset={dataset} pairs={pairs} />
      <PairBrowser dataset={dataset} pairs={pairs} error={error} />
    </>
  );
}

function PairStats({ dataset: d, pairs }: { dataset: PairDatasetInfo; pairs: PairExample[] | null }) {
  const lengths = useMemo(() => (pairs ? pairs.map((p) => words(p.sentence1) + words(p.sentence2)) : null), [pairs]);
  const sorted = useMemo(() => (lengths ? [...lengths].sort((a, b) => a - b) : null), [lengths]);
  const dropped = d.rows - d.pairs;
  return (
    <section className="card" aria-label="Statistics">
      <div className="card-head">
        <h2 className="dataset-title">{d.name}</h2>
        <span className="pill task-mrpc">{TASK_LABEL.mrpc}</span>
        <span className="pill">{FORMAT_LABEL[d.format]}</span>
      </div>
      <div className="stats-grid">
        <div>
          <div className="counts">
            <Count n={d.pairs} label={plural(d.pairs, 'pair')} />
            {d.unlabelled ? (
              <Count n="—" label="no labels" />
            ) : (
              <>
                <Count n={d.positives} label="equivalent" />
                <Count n={d.negatives} label="not equivalent" />
              </>
            )}
          </div>
          <div className="muted small" style={{ marginTop: 10 }}>
            {d.unlabelled ? 'The file carries no labels (as GLUE test.tsv): it can be predicted on, not trained or scored on. ' : `${((100 * d.positives) / Math.max(1, d.pairs)).toFixed(1)}% equivalent (label 1). `}
            {sorted && sorted.length ? `Words per pair (both sentences): min ${sorted[0]}, median ${sorted[Math.floor(sorted.length / 2)]}, max ${sorted[sorted.length - 1]}. ` : ''}
            {dropped > 0 ? `${countOf(dropped, 'row')} of the file left out for problems.` : ''}
          </div>
          {d.unlabelled ? null : (
            <SplitTool
              title="Split into train / eval by pair, keeping the label balance"
              plan={(fraction) => {
                const p = pairSplitPlan(d, fraction);
                return 'problem' in p ? p : { text: `${countOf(p.train, 'pair')} for training, ${countOf(p.eval, 'pair')} for evaluation; each keeps the share of equivalent pairs.` };
              }}
              run={async (fraction, seed) => {
                const made = await usePairs.getState().split(d.id, fraction, seed);
                const [train, ev] = made;
                return `Created a train set of ${countOf(train.pairs, 'pair')} and an eval set of ${countOf(ev.pairs, 'pair')}, listed under Datasets as “… · train (seed ${seed})” and “… · eval (seed ${seed})”.`;
              }}
            />
          )}
        </div>
        {lengths ? <Histogram title="Pair length (words in both sentences)" data={histogram(lengths, WORD_EDGES)} noun="pair" testId="pair-length-histogram" /> : <div className="muted small">Reading pairs…</div>}
      </div>
    </section>
  );
}

type LabelFilter = 'all' | '1' | '0';

function PairBrowser({ dataset, pairs, error }: { dataset: PairDatasetInfo; pairs: PairExample[] | null; error: string | null }) {
  const [query, setQuery] = useState('');
  const [label, setLabel] = useState<LabelFilter>('all');
  const [selected, setSelected] = useState<PairExample | null>(null);
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
        <span className="muted small">label 1 = equivalent (a paraphrase), 0 = not</span>
      </div>
      {error ? <div className="error-text small">{error}</div> : null}
      <div className="pair-browser">
        <div className="col">
          <div className="col-head">
            <input className="input grow" placeholder="Search sentences, row or pair id" aria-label="Search pairs" value={query} onChange={(e) => setQuery(e.target.value)} />
            <select className="input" aria-label="Label filter" disabled={dataset.unlabelled} title={dataset.unlabelled ? 'this set has no labels' : undefined} value={label} onChange={(e) => setLabel(e.target.value as LabelFilter)}>
              <option value="all">all labels</option>
              <option value="1">equivalent</option>
              <option value="0">not equivalent</option>
            </select>
            <span className="muted" data-testid="pair-count">
              {pairs ? formatCount(shown.length) : '…'}
            </span>
          </div>
          {pairs ? <PairList pairs={shown} selectedId={selected?.id ?? null} onSelect={setSelected} /> : <div className="empty">{error ? 'Could not read the pairs.' : 'Reading pairs…'}</div>}
        </div>
        <div className="col">
          {selected ? <PairDetail pair={selected} /> : <div className="empty">Pick a pair to read both sentences.</div>}
        </div>
      </div>
    </section>
  );
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
