import { useEffect, useRef, useState } from 'react';
import { useStudio } from '../../state/studio.js';
import { formatBytes } from '../format.js';

/** The official SQuAD v1.1 files at their public home. */
export const SQUAD_PRESETS = [
  { label: 'SQuAD v1.1 train', url: 'https://rajpurkar.github.io/SQuAD-explorer/dataset/train-v1.1.json', size: 30_288_272 },
  { label: 'SQuAD v1.1 dev', url: 'https://rajpurkar.github.io/SQuAD-explorer/dataset/dev-v1.1.json', size: 4_854_279 },
];

interface AssetFile {
  path: string;
  size: number;
  kind: 'dataset' | 'vocabulary' | 'model' | 'other';
}

function useLocalAssets(): { root: string | null; files: AssetFile[] } | null {
  const [assets, setAssets] = useState<{ root: string | null; files: AssetFile[] } | null>(null);
  useEffect(() => {
    fetch('/assets/index.json')
      .then((r) => (r.ok ? r.json() : { root: null, files: [] }))
      .then(setAssets, () => setAssets({ root: null, files: [] }));
  }, []);
  return assets;
}

export function ImportCard() {
  const startImport = useStudio((s) => s.startImport);
  const busy = useStudio((s) => s.importJob?.phase === 'reading' || s.importJob?.phase === 'writing');
  const [over, setOver] = useState(false);
  const [url, setUrl] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
  const assets = useLocalAssets();

  const importFile = (file: File | undefined) => {
    if (file) void startImport({ kind: 'file', file }, file.name);
  };

  return (
    <section className="card" aria-label="Import">
      <div className="card-head">
        <h2>Import SQuAD data</h2>
        <span className="muted small">SQuAD v1.1 or v2.0 JSON; parsed and validated in a worker, stored in this browser</span>
      </div>
      <div
        className={`dropzone${over ? ' over' : ''}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          importFile(e.dataTransfer.files[0]);
        }}
      >
        <div className="grow">
          <div className="big">Drop a SQuAD JSON file here</div>
          <div className="muted small">or choose one from your disk; a 30 MiB file imports without freezing the page</div>
        </div>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          data-testid="file-input"
          onChange={(e) => {
            importFile(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
        <button className="btn primary" disabled={busy} onClick={() => fileInput.current?.click()}>
          Choose file…
        </button>
      </div>
      <div className="sources">
        <div className="source-box">
          <h4>Official SQuAD v1.1</h4>
          {SQUAD_PRESETS.map((p) => (
            <div className="row" key={p.url}>
              <span className="grow">{p.label}</span>
              <span className="muted small">{formatBytes(p.size)}</span>
              <button className="btn small" disabled={busy} onClick={() => void startImport({ kind: 'url', url: p.url, label: p.label, preset: true }, p.label)}>
                Download
              </button>
            </div>
          ))}
          <div className="muted small">Needs internet access to rajpurkar.github.io.</div>
        </div>
        <div className="source-box">
          <h4>From a URL</h4>
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              const u = url.trim();
              if (u) void startImport({ kind: 'url', url: u, label: u }, u);
            }}
          >
            <input className="input grow" placeholder="https://…/my-squad.json" value={url} onChange={(e) => setUrl(e.target.value)} aria-label="Dataset URL" />
            <button className="btn" disabled={busy || !url.trim()}>
              Import
            </button>
          </form>
          <h4 style={{ marginTop: 6 }}>Demo</h4>
          <div className="row">
            <span className="grow small">A small built-in demo set (works offline)</span>
            <button className="btn small" disabled={busy} onClick={() => void startImport({ kind: 'demo' }, 'Demo dataset')}>
              Load demo
            </button>
          </div>
        </div>
        <div className="source-box" data-testid="local-assets">
          <h4>Local assets {assets?.root ? <span className="muted">({assets.root})</span> : null}</h4>
          {!assets ? (
            <span className="muted small">Looking…</span>
          ) : assets.files.length === 0 ? (
            <span className="muted small">
              None. Start the studio with <code>STUDIO_ASSETS_DIR=/some/folder npm start</code> to list a folder here.
            </span>
          ) : (
            <div className="asset-list">
              {assets.files
                .filter((f) => f.kind !== 'other')
                .map((f) => (
                  <div className="asset" key={f.path}>
                    <span className="tag">{f.kind}</span>
                    <span className="grow mono" title={f.path}>
                      {f.path}
                    </span>
                    <span className="muted">{formatBytes(f.size)}</span>
                    {f.kind === 'dataset' ? (
                      <button
                        className="btn small"
                        disabled={busy}
                        onClick={() => void startImport({ kind: 'url', url: `/assets/${f.path}`, label: f.path, asset: true }, f.path)}
                      >
                        Import
                      </button>
                    ) : null}
                  </div>
                ))}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
