import { useState } from 'react';
import { useStudio } from '../../state/studio.js';
import { dataWorker } from '../../workers/clients.js';
import type { DatasetInfo } from '../../core/storage/types.js';
import { formatBytes, formatCount } from '../format.js';
import { ImportCard } from './ImportCard.js';
import { ImportJobView } from './ImportJobView.js';
import { DatasetBrowser } from './DatasetBrowser.js';
import { DatasetStats } from './DatasetStats.js';
import { PairImport } from './PairImport.js';
import { PairDatasets } from './PairDatasets.js';

const SOURCE_LABEL: Record<DatasetInfo['source']['kind'], string> = {
  file: 'file',
  url: 'URL',
  preset: 'official',
  asset: 'local asset',
  demo: 'built-in',
  split: 'split',
};

export function DataPanel() {
  const datasets = useStudio((s) => s.datasets);
  const loaded = useStudio((s) => s.datasetsLoaded);
  const selectedId = useStudio((s) => s.selectedDatasetId);
  const selected = datasets.find((d) => d.id === selectedId) ?? null;

  return (
    <>
      <ImportCard />
      <ImportJobView />
      <section className="card" aria-label="Datasets">
        <div className="card-head">
          <h2>Datasets</h2>
          <span className="muted small">{loaded ? `${datasets.length} stored` : 'loading…'}</span>
        </div>
        {loaded && datasets.length === 0 ? (
          <div className="empty">No datasets yet. Import a SQuAD file above, or load the demo set.</div>
        ) : (
          <DatasetTable datasets={datasets} selectedId={selectedId} />
        )}
      </section>
      {selected ? (
        <>
          <DatasetStats dataset={selected} />
          <DatasetBrowser key={selected.id} dataset={selected} />
        </>
      ) : null}
      <PairImport />
      <PairDatasets />
    </>
  );
}

function DatasetTable({ datasets, selectedId }: { datasets: DatasetInfo[]; selectedId: string | null }) {
  const select = useStudio((s) => s.selectDataset);
  const refresh = useStudio((s) => s.refreshDatasets);
  const refreshStorage = useStudio((s) => s.refreshStorage);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
    await refresh();
    await refreshStorage();
  };

  return (
    <>
      <table className="grid" data-testid="dataset-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Source</th>
            <th>Version</th>
            <th className="num">Articles</th>
            <th className="num">Paragraphs</th>
            <th className="num">Questions</th>
            <th className="num">Answers</th>
            <th className="num">Size</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {datasets.map((d) => (
            <tr key={d.id} className={d.id === selectedId ? 'selected' : ''} onClick={() => select(d.id)} data-testid="dataset-row">
              <td>
                {renaming?.id === d.id ? (
                  <form
                    onSubmit={(e) => {
                      e.preventDefault();
                      const name = renaming.name;
                      setRenaming(null);
                      void act(() => dataWorker().call('rename', { id: d.id, name }));
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
                  <span className="row" style={{ gap: 6 }}>
                    <b className="dataset-name">{d.name}</b>
                    {d.isDemo ? <span className="pill demo">DEMO</span> : null}
                    {d.hasImpossible ? <span className="pill">has unanswerable</span> : null}
                  </span>
                )}
              </td>
              <td title={d.source.detail}>
                <span className="pill">{SOURCE_LABEL[d.source.kind]}</span>{' '}
                <span className="muted small">{d.source.detail.length > 32 ? `…${d.source.detail.slice(-30)}` : d.source.detail}</span>
              </td>
              <td>{d.version}</td>
              <td className="num" data-testid="col-articles">{formatCount(d.articles)}</td>
              <td className="num" data-testid="col-paragraphs">{formatCount(d.paragraphs)}</td>
              <td className="num" data-testid="col-questions">{formatCount(d.questions)}</td>
              <td className="num">{formatCount(d.answers)}</td>
              <td className="num">{formatBytes(d.bytes)}</td>
              <td style={{ whiteSpace: 'nowrap', textAlign: 'right' }} onClick={(e) => e.stopPropagation()}>
                <button className="btn small" onClick={() => setRenaming({ id: d.id, name: d.name })}>
                  Rename
                </button>{' '}
                <button
                  className="btn small danger"
                  onClick={() => {
                    if (confirm(`Delete the dataset “${d.name}”? This cannot be undone.`)) void act(() => dataWorker().call('delete', { id: d.id }));
                  }}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {error ? <div className="error-text small">{error}</div> : null}
    </>
  );
}

