import { useEffect, useRef, useState } from 'react';
import { useStudio } from '../../state/studio.js';
import { usePairs, type DataKind } from '../../state/pairs.js';
import { DETECT_HEAD_BYTES, detectDataTask, detectDataTaskFromBytes } from '../../core/tasks/detect.js';
import { formatBytes } from '../format.js';
import { TASK_LABEL } from './tasks.js';

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

/** A new import started by the user clears the other kind's finished result, so an old banner never sits beside a new one. */
function clearOther(kind: DataKind) {
  const other = kind === 'qa' ? usePairs.getState().job?.phase : useStudio.getState().importJob?.phase;
  if (other !== 'done' && other !== 'failed') return;
  if (kind === 'qa') usePairs.getState().dismiss();
  else useStudio.getState().dismissImport();
}

/** Resolves when the import has stored its file, failed, or stopped for the user's review. */
function importFileAs(kind: DataKind, file: File): Promise<void> {
  clearOther(kind);
  return kind === 'qa' ? useStudio.getState().startImport({ kind: 'file', file }, file.name) : usePairs.getState().startImport(file);
}

const waiting = (phase: string | undefined) => phase === 'reading' || phase === 'writing' || phase === 'review';

/** Resolves once no import of either kind is running or waiting for its review. */
function importsSettled(): Promise<void> {
  const busy = () => waiting(useStudio.getState().importJob?.phase) || waiting(usePairs.getState().job?.phase);
  if (!busy()) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (busy()) return;
      offStudio();
      offPairs();
      resolve();
    };
    const offStudio = useStudio.subscribe(check);
    const offPairs = usePairs.subscribe(check);
  });
}

/**
 * A URL or asset goes by its name: sentence-pair files are fetched by the page and parsed as pairs;
 * anything else streams through the SQuAD reader, which names what is wrong with it.
 */
function importUrl(url: string, label: string, asset: boolean) {
  const path = (() => {
    try {
      return new URL(url, location.href).pathname;
    } catch {
      return url;
    }
  })();
  const guess = detectDataTask(path, '');
  const kind: DataKind = guess.task === 'mrpc' || /msr_paraphrase[^/]*\.txt$/i.test(path) ? 'mrpc' : 'qa';
  clearOther(kind);
  if (kind === 'mrpc') {
    void usePairs.getState().startUrlImport(url, label, { kind: asset ? 'asset' : 'url', detail: label });
  } else {
    void useStudio.getState().startImport({ kind: 'url', url, label, ...(asset ? { asset: true } : {}) }, label);
  }
}

/** One dropzone for both tasks: a file is routed by its content (SQuAD JSON or sentence pairs), and the user is asked when that does not tell. */
export function ImportCard() {
  const startImport = useStudio((s) => s.startImport);
  const busy = useStudio((s) => s.importJob?.phase === 'reading' || s.importJob?.phase === 'writing');
  const pairBusy = usePairs((s) => s.job?.phase === 'reading' || s.job?.phase === 'writing');
  const [over, setOver] = useState(false);
  const [url, setUrl] = useState('');
  const [asking, setAsking] = useState<{ file: File; why: string; answer(kind: DataKind | null): void } | null>(null);
  /** Files dropped together wait here, imported one after another (each review answered first). */
  const [queued, setQueued] = useState<string[]>([]);
  const running = useRef(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const assets = useLocalAssets();

  const pending = useRef<File[]>([]);
  const [readError, setReadError] = useState<string | null>(null);

  const importFiles = async (files: File[]) => {
    // Files given while others import (or while the first open stores the demo) join the line rather
    // than being dropped; one loop imports them in order.
    pending.current.push(...files);
    if (running.current) {
      setQueued(pending.current.map((f) => f.name));
      return;
    }
    running.current = true;
    setReadError(null);
    try {
      while (pending.current.length) {
        // A file waits its turn while an import runs or waits for its review.
        setQueued(pending.current.map((f) => f.name));
        await importsSettled();
        const file = pending.current.shift()!;
        setQueued(pending.current.map((f) => f.name));
        let head: Uint8Array;
        try {
          head = new Uint8Array(await file.slice(0, DETECT_HEAD_BYTES).arrayBuffer());
        } catch (err) {
          // A file moved or made unreadable since it was chosen: say so and go on with the rest.
          setReadError(`Cannot read “${file.name}”: ${err instanceof Error ? err.message : String(err)}`);
          continue;
        }
        const guess = detectDataTaskFromBytes(file.name, head);
        const kind = guess.task ?? (await new Promise<DataKind | null>((answer) => setAsking({ file, why: guess.why, answer })));
        setAsking(null);
        if (kind) await importFileAs(kind, file);
      }
    } finally {
      running.current = false;
      setQueued([]);
    }
  };

  return (
    <section className="card" aria-label="Import">
      <div className="card-head">
        <h2>Import data</h2>
        <span className="muted small">question answering or sentence pairs, recognised by their content; parsed and validated in a worker, stored in this browser</span>
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
          void importFiles([...e.dataTransfer.files]);
        }}
      >
        <div className="grow">
          <div className="big">{busy || pairBusy ? 'Importing… files added now wait their turn' : queued.length ? 'Answer the review below to go on' : 'Drop dataset files here'}</div>
          {queued.length ? (
            <div className="small" data-testid="import-queue">
              Waiting: {queued.join(', ')}
            </div>
          ) : null}
          <div className="muted small">
            <b>{TASK_LABEL.qa}:</b> SQuAD v1.1 or v2.0 JSON.
          </div>
          <div className="muted small">
            <b>{TASK_LABEL.mrpc}:</b> GLUE MRPC train/dev/test.tsv, msr_paraphrase_*.txt, or CSV/JSONL with sentence1, sentence2, label.
          </div>
          <div className="muted small">The task is recognised from the file; problems are named by their place in it. A 30 MiB file imports without freezing the page.</div>
        </div>
        <input
          ref={fileInput}
          type="file"
          accept=".json,.jsonl,.tsv,.txt,.csv,application/json,text/csv,text/tab-separated-values"
          hidden
          multiple
          data-testid="file-input"
          onChange={(e) => {
            void importFiles([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
        />
        <button className="btn primary" disabled={!!asking} onClick={() => fileInput.current?.click()}>
          Choose file…
        </button>
        {readError ? (
          <div className="error-text small" role="alert">
            {readError}
          </div>
        ) : null}
      </div>
      {asking ? (
        <div className="job warn import-ask" data-testid="import-ask" role="group" aria-label="Which task is this file for?">
          <div>
            <b>Which task is “{asking.file.name}” for?</b>{' '}
            <span className="muted small">The studio could not tell from the file: {asking.why}.</span>
          </div>
          <div className="row">
            <button
              className="btn"
              onClick={() => asking.answer('qa')}
            >
              {TASK_LABEL.qa}
            </button>
            <button
              className="btn"
              onClick={() => asking.answer('mrpc')}
            >
              {TASK_LABEL.mrpc}
            </button>
            <button className="btn" onClick={() => asking.answer(null)}>
              Skip this file
            </button>
          </div>
        </div>
      ) : null}
      <div className="sources">
        <div className="source-box">
          <h4>Official SQuAD v1.1</h4>
          {SQUAD_PRESETS.map((p) => (
            <div className="row" key={p.url}>
              <span className="grow">{p.label}</span>
              <span className="muted small">{formatBytes(p.size)}</span>
              <button
                className="btn small"
                disabled={busy}
                onClick={() => {
                  clearOther('qa');
                  void startImport({ kind: 'url', url: p.url, label: p.label, preset: true }, p.label);
                }}
              >
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
              if (u) importUrl(u, u, false);
            }}
          >
            <input className="input grow" placeholder="https://…/squad.json or …/pairs.tsv" value={url} onChange={(e) => setUrl(e.target.value)} aria-label="Dataset URL" />
            <button className="btn" disabled={busy || pairBusy || !url.trim()}>
              Import
            </button>
          </form>
          <h4 style={{ marginTop: 6 }}>Demo</h4>
          <div className="row">
            <span className="grow small">A small built-in question-answering set (works offline)</span>
            <button
              className="btn small"
              disabled={busy}
              onClick={() => {
                clearOther('qa');
                void startImport({ kind: 'demo' }, 'Demo dataset');
              }}
            >
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
                    <span className="grow mono asset-path" title={f.path}>
                      {f.path}
                    </span>
                    <span className="muted">{formatBytes(f.size)}</span>
                    {f.kind === 'dataset' ? (
                      <button className="btn small" disabled={busy || pairBusy} onClick={() => importUrl(`/assets/${f.path}`, f.path, true)}>
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
