import { useEffect } from 'react';
import { useStudio, type PanelId } from '../state/studio.js';
import { useTrain } from '../state/train.js';
import { useModels } from '../state/models.js';
import { DataPanel } from './data/DataPanel.js';
import { FeaturesPanel } from './features/FeaturesPanel.js';
import { ModelPanel } from './model/ModelPanel.js';
import { TrainPanel } from './train/TrainPanel.js';
import { EvaluatePanel } from './evaluate/EvaluatePanel.js';
import { PlaygroundPanel } from './playground/PlaygroundPanel.js';
import { formatBytes } from './format.js';

const PANELS: { id: PanelId; label: string; icon: string; Component: () => React.ReactNode }[] = [
  { id: 'data', label: 'Data', icon: '▤', Component: DataPanel },
  { id: 'features', label: 'Feature Inspector', icon: '▦', Component: FeaturesPanel },
  { id: 'model', label: 'Model', icon: '◈', Component: ModelPanel },
  { id: 'train', label: 'Train', icon: '◭', Component: TrainPanel },
  { id: 'evaluate', label: 'Evaluate', icon: '✓', Component: EvaluatePanel },
  { id: 'playground', label: 'QA Playground', icon: '?', Component: PlaygroundPanel },
];

function StorageMeter() {
  const storage = useStudio((s) => s.storage);
  if (!storage) return null;
  const pct = storage.quota ? (100 * storage.usage) / storage.quota : 0;
  return (
    <div className="meter" data-testid="storage-meter" title={storage.persisted ? 'Storage is persistent' : 'Storage may be evicted under pressure'}>
      <span>Storage {formatBytes(storage.usage)} of {formatBytes(storage.quota)}</span>
      <div className="meter-bar">
        <div style={{ width: `${Math.max(1, pct)}%` }} />
      </div>
      <span>{storage.persisted ? 'persistent' : 'best-effort'}</span>
    </div>
  );
}

const WORKER_ROLES = { data: 'importing and browsing datasets', features: 'tokenizing', model: 'models, training and evaluation' };

/** A worker that failed to load or crashed: what was lost, and a way to carry on without reloading. */
function WorkerFailures() {
  const failures = useStudio((s) => s.workerFailures);
  const restart = useStudio((s) => s.restartWorker);
  return failures.map((f) => (
    <div key={f.name} className="job error" role="alert" data-testid="worker-failure">
      <div className="row">
        <span className="grow error-text">
          {f.message} (The {f.name} worker does {WORKER_ROLES[f.name]}; stored datasets, models and runs are kept.)
        </span>
        <button
          className="btn primary small"
          onClick={() => {
            restart(f.name);
            if (f.name === 'model') void useModels.getState().refresh().then(() => useModels.getState().loadBackend());
          }}
        >
          Restart the {f.name} worker
        </button>
      </div>
    </div>
  ));
}

export function App() {
  const panel = useStudio((s) => s.panel);
  const setPanel = useStudio((s) => s.setPanel);
  const refreshDatasets = useStudio((s) => s.refreshDatasets);
  const refreshStorage = useStudio((s) => s.refreshStorage);
  const seedDemo = useStudio((s) => s.seedDemoOnFirstOpen);

  useEffect(() => {
    void refreshStorage();
    // Asked again once the data worker has opened the database: an estimate taken before can read 0 B.
    void refreshDatasets()
      .then(refreshStorage)
      .then(seedDemo);
  }, [refreshDatasets, refreshStorage, seedDemo]);

  // Back/Forward and a hash typed into the address bar switch panels; a train link also applies its setup.
  useEffect(() => {
    const follow = () => {
      useStudio.getState().followLocation();
      if (useStudio.getState().panel === 'train') useTrain.getState().openLink(location.hash);
      void useStudio.getState().refreshStorage();
    };
    addEventListener('popstate', follow);
    addEventListener('hashchange', follow);
    return () => {
      removeEventListener('popstate', follow);
      removeEventListener('hashchange', follow);
    };
  }, []);

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <div className="brand-mark">B</div>
          BERT Studio
        </div>
        <span className="muted small">extractive question answering, fine-tuned in your browser</span>
        <div className="spacer" />
        <StorageMeter />
      </header>
      <nav className="nav" aria-label="Panels">
        {PANELS.map((p) => (
          <button key={p.id} className={panel === p.id ? 'active' : ''} onClick={() => setPanel(p.id)}>
            <span aria-hidden>{p.icon}</span>
            {p.label}
          </button>
        ))}
        <div className="nav-foot">Data stays in this browser (IndexedDB). Nothing leaves it unless you push a model to the Hub.</div>
      </nav>
      <main className="main">
        <WorkerFailures />
        {PANELS.map(({ id, Component }) => (id === panel ? <Component key={id} /> : null))}
      </main>
    </div>
  );
}
