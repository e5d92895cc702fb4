import { useEffect } from 'react';
import { useStudio, type PanelId } from '../state/studio.js';
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

export function App() {
  const panel = useStudio((s) => s.panel);
  const setPanel = useStudio((s) => s.setPanel);
  const refreshDatasets = useStudio((s) => s.refreshDatasets);
  const refreshStorage = useStudio((s) => s.refreshStorage);
  const seedDemo = useStudio((s) => s.seedDemoOnFirstOpen);

  useEffect(() => {
    void refreshDatasets().then(seedDemo);
    void refreshStorage();
  }, [refreshDatasets, refreshStorage, seedDemo]);

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
        <div className="nav-foot">Data stays in this browser (IndexedDB). Nothing is uploaded.</div>
      </nav>
      <main className="main">{PANELS.map(({ id, Component }) => (id === panel ? <Component key={id} /> : null))}</main>
    </div>
  );
}
