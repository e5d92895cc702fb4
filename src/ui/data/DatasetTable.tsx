import { useState } from 'react';
import { useStudio } from '../../state/studio.js';
import { usePairs, type DataKind } from '../../state/pairs.js';
import { dataWorker } from '../../workers/clients.js';
import type { DatasetInfo } from '../../core/storage/types.js';
import type { PairDatasetInfo } from '../../core/storage/pairs.js';
import { formatBytes, formatCount, plural } from '../format.js';
import { FORMAT_LABEL, TASK_LABEL } from './tasks.js';

const SOURCE_LABEL: Record<DatasetInfo['source']['kind'], string> = {
  file: 'file',
  url: 'URL',
  preset: 'official',
  asset: 'local asset',
  demo: 'built-in',
  split: 'split',
};

type Row = { kind: 'qa'; d: DatasetInfo } | { kind: 'mrpc'; d: PairDatasetInfo };

/** Both kinds of stored dataset in one list, oldest first, with the same actions. */
export function DatasetTable() {
  const squad = useStudio((s) => s.datasets);
  const squadLoaded = useStudio((s) => s.datasetsLoaded);
  const selectedQa = useStudio((s) => s.selectedDatasetId);
  const pairs = usePairs((s) => s.pairDatasets);
  const pairsLoaded = usePairs((s) => s.loaded);
  const selectedPair = usePairs((s) => s.selectedPairId);
  const focus = usePairs((s) => s.focus);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const rows: Row[] = [...squad.map((d): Row => ({ kind: 'qa', d })), ...pairs.map((d): Row => ({ kind: 'mrpc', d }))].sort((a, b) => a.d.createdAt - b.d.createdAt);
  const loaded = squadLoaded && pairsLoaded;
  const isSelected = (r: Row) => (r.kind === 'qa' ? focus === 'qa' && r.d.id === selectedQa : focus === 'mrpc' && r.d.id === selectedPair);

  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
    await Promise.all([useStudio.getState().refreshDatasets(), usePairs.getState().refresh(), useStudio.getState().refreshStorage()]);
  };
  const select = (r: Row) => {
    if (r.kind === 'qa') {
      useStudio.getState().selectDataset(r.d.id);
      usePairs.getState().setFocus('qa');
    } else usePairs.getState().select(r.d.id);
  };
  const rename = (kind: DataKind, id: string, name: string) =>
    act(() => (kind === 'qa' ? dataWorker().call('rename', { id, name }) : usePairs.getState().rename(id, name)));
  const remove = (kind: DataKind, id: string) => act(() => (kind === 'qa' ? dataWorker().call('delete', { id }) : usePairs.getState().remove(id)));

  return (
    <section className="card" aria-label="Datasets">
      <div className="card-head">
        <h2>Datasets</h2>
        <span className="muted small">{loaded ? `${formatCount(rows.length)} stored${rows.length ? ' · pick one to see its statistics and browse it' : ''}` : 'loading…'}</span>
      </div>
      {loaded && rows.length === 0 ? (
        <div className="empty">No datasets yet. Import a file above, or load the demo set.</div>
      ) : (
        <table className="grid dataset-table" data-testid="dataset-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Task</th>
              <th className="num">Examples</th>
              <th>Contents</th>
              <th className="num">Size</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const d = r.d;
              return (
                <tr
                  key={d.id}
                  className={isSelected(r) ? 'selected' : ''}
                  aria-current={isSelected(r) ? true : undefined}
                  tabIndex={0}
                  onClick={() => select(r)}
                  onKeyDown={(e) => e.key === 'Enter' && e.target === e.currentTarget && select(r)}
                  data-testid="dataset-row"
                  data-task={r.kind}
                >
                  <td className="name-cell">
                    {renaming?.id === d.id ? (
                      <form
                        onSubmit={(e) => {
                          e.preventDefault();
                          setRenaming(null);
                          void rename(r.kind, d.id, renaming.name);
                        }}
                      >
                        <input
                          className="input"
                          autoFocus
                          aria-label="New name"
                          value={renaming.name}
                          onClick={(e) => e.stopPropagation()}
                          onChange={(e) => setRenaming({ id: d.id, name: e.target.value })}
                          onKeyDown={(e) => e.key === 'Escape' && setRenaming(null)}
                        />
                      </form>
                    ) : (
                      <>
                        <b className="dataset-name">{d.name}</b>
                        {r.kind === 'qa' && r.d.isDemo ? <span className="pill demo">DEMO</span> : null}
                        {r.kind === 'qa' && r.d.hasImpossible ? <span className="pill">has unanswerable</span> : null}
                        <div className="muted small source-line" title={d.source.detail}>
                          {SOURCE_LABEL[d.source.kind]} · {d.source.detail.length > 48 ? `…${d.source.detail.slice(-46)}` : d.source.detail}
                        </div>
                      </>
                    )}
                  </td>
                  <td>
                    <span className={`pill task-${r.kind}`}>{TASK_LABEL[r.kind]}</span>
                  </td>
                  <td className="num">
                    {r.kind === 'qa' ? (
                      <>
                        <span data-testid="col-questions">{formatCount(r.d.questions)}</span> <span className="muted small">{plural(r.d.questions, 'question')}</span>
                      </>
                    ) : (
                      <>
                        <span data-testid="col-pairs">{formatCount(r.d.pairs)}</span> <span className="muted small">{plural(r.d.pairs, 'pair')}</span>
                      </>
                    )}
                  </td>
                  <td className="small contents-cell">
                    {r.kind === 'qa' ? (
                      <>
                        <span data-testid="col-articles">{formatCount(r.d.articles)}</span> {plural(r.d.articles, 'article')} · <span data-testid="col-paragraphs">{formatCount(r.d.paragraphs)}</span>{' '}
                        {plural(r.d.paragraphs, 'paragraph')} · {formatCount(r.d.answers)} {plural(r.d.answers, 'answer')} · <span className="muted">SQuAD v{r.d.version}</span>
                      </>
                    ) : (
                      <>
                        {r.d.unlabelled ? 'no labels' : `${formatCount(r.d.positives)} equivalent · ${formatCount(r.d.negatives)} not`} ·{' '}
                        <span className="muted">{FORMAT_LABEL[r.d.format]}</span>
                      </>
                    )}
                  </td>
                  <td className="num">{formatBytes(d.bytes)}</td>
                  <td className="actions-cell" onClick={(e) => e.stopPropagation()}>
                    <button className="btn small" onClick={() => setRenaming({ id: d.id, name: d.name })}>
                      Rename
                    </button>
                    <button
                      className="btn small danger"
                      onClick={() => {
                        if (confirm(`Delete the dataset “${d.name}”? This cannot be undone.`)) void remove(r.kind, d.id);
                      }}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {error ? <div className="error-text small">{error}</div> : null}
    </section>
  );
}
