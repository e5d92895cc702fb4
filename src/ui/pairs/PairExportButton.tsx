import { useRef, useState } from 'react';
import { modelWorker } from '../../workers/clients.js';
import type { PairRunSetup } from '../../workers/pair-api.js';
import { WorkerError, type Progress } from '../../workers/protocol.js';
import { download } from '../common/download.js';

/** Writes the pair run the form describes as a zipped Python project for Hugging Face Trainer. */
export function PairExportButton({ setup, label }: { setup: PairRunSetup | null; label: string }) {
  const [job, setJob] = useState<{ progress: Progress | null } | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const controller = useRef<AbortController | null>(null);

  const run = async () => {
    if (!setup) return;
    const c = new AbortController();
    controller.current = c;
    setJob({ progress: null });
    setResult(null);
    try {
      const r = await modelWorker().call('pair-export', { setup, label }, { signal: c.signal, onProgress: (progress) => setJob({ progress }) });
      download(r.zip as BlobPart, 'application/zip', r.fileName);
      setResult({ ok: true, text: `${r.fileName}: ${r.trainPairs.toLocaleString('en-US')} training pairs${r.evalPairs ? `, ${r.evalPairs.toLocaleString('en-US')} evaluation pairs` : ''}, ${r.files.length} files. Unzip, then python3 train.py --output_dir out.` });
    } catch (err) {
      setResult({ ok: false, text: err instanceof WorkerError && err.cancelled ? 'Export cancelled.' : err instanceof Error ? err.message : String(err) });
    } finally {
      setJob(null);
    }
  };

  // Its own row of the setup grid: the button and what it reports.
  return (
    <div style={{ gridColumn: '1 / -1', display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'center' }}>
      {job ? (
        <>
          <span className="small muted" data-testid="pair-export-progress">
            {job.progress?.label ?? 'Exporting…'}
          </span>
          <button className="btn" onClick={() => controller.current?.abort()}>
            Cancel export
          </button>
        </>
      ) : (
        <button className="btn" aria-label="Export pair run for Trainer (zip)" disabled={!setup} onClick={() => void run()} title="a Python project (transformers.Trainer, AutoModelForSequenceClassification) with this setup, the pairs tokenized as here and the starting weights">
          Export for Trainer (zip)
        </button>
      )}
      {result ? (
        <span className={`small ${result.ok ? 'muted' : 'error-text'}`} data-testid="pair-export-result" role={result.ok ? undefined : 'alert'}>
          {result.text}
        </span>
      ) : null}
    </div>
  );
}
