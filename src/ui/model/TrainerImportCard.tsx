import { useRef } from 'react';
import { useModels } from '../../state/models.js';
import { usePairRuns } from '../../state/pair-runs.js';
import { useTrain } from '../../state/train.js';
import { modelWorker } from '../../workers/clients.js';

/** Brings a Hugging Face Trainer output folder back: its model joins the models, its log_history the Train panel's runs. */
export function TrainerImportCard() {
  const st = useModels();
  const folderInput = useRef<HTMLInputElement>(null);
  const busy = !!st.job;

  const importFolder = (list: FileList | null) => {
    if (!list?.length) return;
    const files = [...list].map((file) => ({ name: file.webkitRelativePath || file.name, file }));
    const folder = files[0].name.includes('/') ? files[0].name.split('/')[0] : 'Trainer run';
    void st.run(`Importing the Trainer run ${folder}`, async (signal, onProgress) => {
      const result = await modelWorker().call('trainer-import', { files, label: folder }, { signal, onProgress });
      if (result.task === 'mrpc') {
        void useTrain.getState().refreshRuns();
        await usePairRuns.getState().refresh();
        usePairRuns.getState().select(result.pairRun.id);
        const last = result.pairRun.evals[result.pairRun.evals.length - 1];
        return `Added the sentence-pair run “${result.pairRun.label}”${last ? ` (accuracy ${(last.accuracy * 100).toFixed(1)}%, F1 ${(last.f1 * 100).toFixed(1)}%)` : ''}: evaluate it and try it in Sentence pairs.`;
      }
      void useTrain.getState().refreshRuns();
      return result.model;
    });
  };

  return (
    <section className="card" aria-label="Import a Trainer run">
      <div className="card-head">
        <h2>Import a Trainer run</h2>
        <span className="muted small grow">
          the output folder of an exported project (<span className="mono">python3 train.py --output_dir out</span>) or any Trainer run: model.safetensors + config.json + trainer_state.json, question answering or sentence pairs (MRPC)
        </span>
        <input ref={folderInput} type="file" hidden multiple {...{ webkitdirectory: '' }} data-testid="trainer-import-input" onChange={(e) => { importFolder(e.target.files); e.target.value = ''; }} />
        <button className="btn" disabled={busy} onClick={() => folderInput.current?.click()}>
          Choose output folder…
        </button>
      </div>
      <span className="muted small">The model is added below (evaluate it, inspect it, use it in the Playground); the run's loss, learning rate, gradient norm and evaluations appear in the Train panel's history, to overlay on browser runs. A sentence-pair (MRPC) folder becomes a run in Sentence pairs, with its loss curve and evaluations, ready to evaluate and to try.</span>
    </section>
  );
}
