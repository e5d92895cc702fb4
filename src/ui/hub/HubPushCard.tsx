import { useRef, useState } from 'react';
import { useHub } from '../../state/hub.js';
import { useModels } from '../../state/models.js';
import type { ModelInfo } from '../../workers/model-api.js';
import { ProgressBar } from '../common/Progress.js';
import { hubFiles } from './model-files.js';
import { type PushProgress, explainHubError, pushToHub, repoProblem } from './push.js';

const PHASE: Record<PushProgress['phase'], string> = {
  creating: 'Creating the repository',
  preuploading: 'Checking which files to upload',
  uploadingLargeFiles: 'Uploading',
  committing: 'Committing',
  done: 'Done',
};

const slug = (s: string) => s.toLowerCase().replace(/[^\w.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 80) || 'bert-qa';

/** Pushes the selected model to a Hub repository with a generated model card and its training curve. */
export function HubPushCard({ model }: { model: ModelInfo }) {
  const models = useModels((s) => s.models);
  const { token, remember, setToken, setRemember } = useHub();
  const [repo, setRepo] = useState(`your-name/${slug(model.label)}`);
  const [privateRepo, setPrivateRepo] = useState(false);
  const [progress, setProgress] = useState<PushProgress | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string; url?: string } | null>(null);
  const controller = useRef<AbortController | null>(null);
  const problem = repoProblem(repo.trim()) ?? (token.trim() ? null : 'paste an access token with write access');

  const push = async () => {
    const c = new AbortController();
    controller.current = c;
    setResult(null);
    setProgress({ phase: 'creating', files: {} });
    const name = repo.trim();
    try {
      const { files } = await hubFiles(model, name, models);
      const url = await pushToHub({ repo: name, token: token.trim(), files, commitTitle: `Upload ${model.label} from BERT Studio`, privateRepo, signal: c.signal, onProgress: setProgress });
      setResult({ ok: true, text: `Pushed ${files.length} files to ${name}.`, url: url ?? `https://huggingface.co/${name}` });
    } catch (err) {
      setResult({ ok: false, text: explainHubError(err, name) });
    } finally {
      setProgress(null);
    }
  };

  const files = progress ? Object.entries(progress.files) : [];
  const done = files.reduce((s, [, p]) => s + p, 0);
  return (
    <section className="card" aria-label="Push to the Hub">
      <div className="card-head">
        <h2>Push to the Hugging Face Hub</h2>
        <span className="muted small">the model folder, a model card (task, base model, data, hyperparameters, metrics, training curve) in one commit</span>
      </div>
      <div className="row" style={{ flexWrap: 'wrap', gap: 12 }}>
        <label className="field">
          Repository
          <input className="input" aria-label="Hub repository" value={repo} onChange={(e) => setRepo(e.target.value)} style={{ width: 280 }} />
        </label>
        <label className="field">
          Access token
          <input className="input" type="password" aria-label="Hub access token" autoComplete="off" value={token} placeholder="hf_…" onChange={(e) => setToken(e.target.value)} style={{ width: 260 }} />
        </label>
        <label className="small row" style={{ gap: 4 }}>
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> remember the token in this browser
        </label>
        <label className="small row" style={{ gap: 4 }}>
          <input type="checkbox" checked={privateRepo} onChange={(e) => setPrivateRepo(e.target.checked)} /> private repository
        </label>
        {progress ? (
          <button className="btn" onClick={() => controller.current?.abort()}>
            Cancel
          </button>
        ) : (
          <button className="btn primary" disabled={!!problem} title={problem ?? ''} onClick={() => void push()}>
            Push to the Hub
          </button>
        )}
      </div>
      <div className="muted small">The token stays in this page's memory{remember ? ' and in this browser’s local storage' : ' and is forgotten on reload'}; it is sent only to huggingface.co. {problem ? `To push: ${problem}.` : ''}</div>
      {progress ? (
        <div data-testid="hub-progress">
          <div className="small">
            {PHASE[progress.phase]}
            {files.length ? ` · ${files.filter(([, p]) => p >= 1).length} / ${files.length} files` : ''}
          </div>
          <ProgressBar progress={{ done, total: Math.max(1, files.length) }} />
        </div>
      ) : null}
      {result ? (
        <div className={`small ${result.ok ? '' : 'error-text'}`} role={result.ok ? undefined : 'alert'} data-testid="hub-result">
          {result.text}{' '}
          {result.url ? (
            <a href={result.url} target="_blank" rel="noreferrer">
              {result.url}
            </a>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
