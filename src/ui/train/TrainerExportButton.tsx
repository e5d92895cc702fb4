import { useRef, useState } from 'react';
import { runSetup, setupProblems, useTrain } from '../../state/train.js';
import { useModels } from '../../state/models.js';
import { modelWorker } from '../../workers/clients.js';
import { WorkerError, type Progress } from '../../workers/protocol.js';
import { download } from '../common/download.js';

/** Writes the run the form describes as a zipped Python project for Hugging Face Trainer (GPUs, clusters). */
export function TrainerExportButton() {
  const form = useTrain((s) => s.form);
  const models = useModels((s) => s.models);
  const config = models.find((m) => m.id === form.modelId)?.config ?? null;
  const problems = setupProblems(form, config);
  const [job, setJob] = useState<{ progress: Progress | null } | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const controller = useRef<AbortController | null>(null);

  const run = async () => {
    const c = new AbortController();
    controller.current = c;
    setJob({ progress: null });
    setResult(null);
    try {
      const label = models.find((m) => m.id === form.modelId)?.label ?? 'bert';
      const r = await modelWorker().call('trainer-export', { setup: runSetup(form), label }, { signal: c.signal, onProgress: (progress) => setJob({ progress }) });
      download(r.zip as BlobPart, 'application/zip', r.fileName);
      setResult({ ok: true, text: `${r.fileName}: ${r.trainWindows.toLocaleString('en-US')} training windows${r.evalWindows ? `, ${r.evalWindows.toLocaleString('en-US')} evaluation windows` : ''}, ${r.files.length} files. Unzip, then python3 train.py --output_dir out.` });
    } catch (err) {
      setResult({ ok: false, text: err instanceof WorkerError && err.cancelled ? 'Export cancelled.' : err instanceof Error ? err.message : String(err) });
    } finally {
      setJob(null);
    }
  };

  return (
    <>
      {job ? (
        <>
          <span className="small muted" data-testid="trainer-export-progress">
            {job.progress?.label ?? 'Exporting…'}
          </span>
          <button className="btn" onClick={() => controller.current?.abort()}>
            Cancel
          </button>
        </>
      ) : (
        <button className="btn" disabled={problems.length > 0} onClick={() => void run()} title="a Python project (transformers.Trainer) with this setup, the data tokenized as here and the starting weights: for a GPU, several GPUs or a cluster">
          Export for Trainer (zip)
        </button>
      )}
      {result ? (
        <span className={`small ${result.ok ? 'muted' : 'error-text'}`} style={{ flexBasis: '100%', order: 1 }} data-testid="trainer-export-result" role={result.ok ? undefined : 'alert'}>
          {result.text}
        </span>
      ) : null}
    </>
  );
}
