import { useEffect, useRef, useState } from 'react';
import { BERT_PRESETS, HUB_PRESETS, estimateModel, type BertPresetName } from '../../core/model/pure.js';
import { useModels } from '../../state/models.js';
import { useInspector } from '../../state/inspector.js';
import { modelWorker } from '../../workers/clients.js';
import type { ModelInfo } from '../../workers/model-api.js';
import { JobBanner } from '../common/JobBanner.js';
import { BackendCard } from './BackendCard.js';
import { Count } from '../common/Count.js';
import { download } from '../common/download.js';
import { formatBytes, formatCount } from '../format.js';
import { TrainerImportCard } from './TrainerImportCard.js';
import { HubPushCard } from '../hub/HubPushCard.js';

const PRESET_LABEL: Record<BertPresetName, string> = { tiny: 'tiny (L2 H128)', mini: 'mini (L4 H256)', small: 'small (L4 H512)', base: 'base (L12 H768)' };

function formatFlops(f: number): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P'];
  let i = 0;
  while (f >= 1000 && i < units.length - 1) {
    f /= 1000;
    i++;
  }
  return `${f.toFixed(f < 10 ? 2 : 1)} ${units[i]}FLOP`;
}

function describeSource(m: ModelInfo): string {
  switch (m.source.kind) {
    case 'hub':
      return `Hub · ${m.source.repo}@${m.source.revision}`;
    case 'files':
      return `files · ${m.source.names.join(', ')}`;
    case 'asset':
      return `local asset · ${m.source.url}`;
    case 'random':
      return `random init · ${m.source.preset}, seed ${m.source.seed}`;
    case 'run':
      return `training run · step ${m.source.step}`;
  }
}

export function ModelPanel() {
  const st = useModels();
  const { refresh, loadBackend } = st;
  useEffect(() => {
    void refresh();
    void loadBackend();
  }, [refresh, loadBackend]);
  const selected = st.models.find((m) => m.id === st.selectedModelId) ?? null;
  return (
    <>
      <BackendCard />
      <AddModelCard />
      <TrainerImportCard />
      {st.job ? (
        <JobBanner
          testId="model-job"
          title={st.job.label}
          caption={`${st.job.progress?.label ?? 'starting…'}${st.job.progress && st.job.progress.total > 0 ? ` · ${formatBytes(st.job.progress.done)} of ${formatBytes(st.job.progress.total)}` : ''}`}
          progress={st.job.progress}
          onCancel={st.cancel}
        />
      ) : null}
      {st.error ? (
        <div className="job error" role="alert" data-testid="model-error">
          <div className="row">
            <span className="grow error-text">{st.error}</span>
            <button className="btn small" onClick={st.dismiss}>
              Dismiss
            </button>
          </div>
        </div>
      ) : null}
      {st.notice ? (
        <div className="job ok" data-testid="model-notice">
          <div className="row">
            <span className="grow">{st.notice}</span>
            <button className="btn small" onClick={st.dismiss}>
              Dismiss
            </button>
          </div>
        </div>
      ) : null}
      <ModelTable />
      {selected ? <ModelDetails model={selected} /> : null}
      {selected ? <HubPushCard model={selected} /> : null}
    </>
  );
}

function AddModelCard() {
  const st = useModels();
  const insp = useInspector();
  const busy = !!st.job;
  const [hubId, setHubId] = useState<string>(HUB_PRESETS[0].id);
  const [revision, setRevision] = useState('main');
  const [preset, setPreset] = useState<BertPresetName>('tiny');
  const [seed, setSeed] = useState(42);
  const folderInput = useRef<HTMLInputElement>(null);
  const filesInput = useRef<HTMLInputElement>(null);
  const { loadVocabs } = insp;
  useEffect(() => {
    void loadVocabs();
  }, [loadVocabs]);
  const vocab = insp.vocabs.find((v) => v.id === insp.vocabId);
  const [assetFolders, setAssetFolders] = useState<string[]>([]);
  useEffect(() => {
    fetch('/assets/index.json')
      .then((r) => r.json() as Promise<{ files: { path: string }[] }>)
      .then((index) => setAssetFolders(index.files.filter((f) => f.path.endsWith('config.json')).map((f) => f.path.split('/').slice(0, -1).join('/'))))
      .catch(() => setAssetFolders([]));
  }, []);

  const loadFiles = (list: FileList | null) => {
    if (!list?.length) return;
    const files = [...list].map((file) => ({ name: file.webkitRelativePath || file.name, file }));
    const folder = files[0].name.includes('/') ? files[0].name.split('/')[0] : files.map((f) => f.file.name).join(', ');
    void st.run(`Loading ${folder}`, (signal) => modelWorker().call('load-files', { files, label: folder }, { signal }));
  };

  return (
    <section className="card" aria-label="Add a model">
      <div className="card-head">
        <h2>Add a model</h2>
        <span className="muted small">BertForQuestionAnswering; pretrained encoders get a fresh QA head</span>
      </div>
      <div className="sources">
        <div className="source-box">
          <h4>Hugging Face Hub</h4>
          <select className="input" aria-label="Hub model" value={HUB_PRESETS.some((p) => p.id === hubId) ? hubId : ''} onChange={(e) => e.target.value && setHubId(e.target.value)}>
            {HUB_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label} · {p.id}
              </option>
            ))}
            <option value="">other (type an id below)</option>
          </select>
          <div className="row">
            <input className="input grow" aria-label="Hub model id" value={hubId} onChange={(e) => setHubId(e.target.value)} />
            <input className="input" aria-label="Revision" style={{ width: 80 }} value={revision} onChange={(e) => setRevision(e.target.value)} />
          </div>
          <button className="btn primary" disabled={busy || !hubId.trim()} onClick={() => void st.run(`Downloading ${hubId}`, (signal, onProgress) => modelWorker().call('load-hub', { repo: hubId, revision }, { signal, onProgress }))}>
            Download
          </button>
          <span className="muted small">Files are cached in the browser; a model downloaded once loads offline.</span>
        </div>
        <div className="source-box">
          <h4>Local folder or files</h4>
          <span className="small">config.json + model.safetensors or pytorch_model.bin (+ vocab.txt, tokenizer_config.json)</span>
          <input ref={folderInput} type="file" hidden multiple {...{ webkitdirectory: '' }} data-testid="model-folder-input" onChange={(e) => { loadFiles(e.target.files); e.target.value = ''; }} />
          <input ref={filesInput} type="file" hidden multiple data-testid="model-files-input" onChange={(e) => { loadFiles(e.target.files); e.target.value = ''; }} />
          <div className="row">
            <button className="btn" disabled={busy} onClick={() => folderInput.current?.click()}>
              Choose folder…
            </button>
            <button className="btn" disabled={busy} onClick={() => filesInput.current?.click()}>
              Choose files…
            </button>
          </div>
          <span className="muted small">PyTorch files are read with a restricted unpickler: loading never runs code from the file.</span>
          {assetFolders.map((folder) => (
            <div className="row small" key={folder}>
              <span className="grow mono">assets/{folder || '.'}</span>
              <button
                className="btn small"
                disabled={busy}
                onClick={() => void st.run(`Loading ${folder}`, (signal, onProgress) => modelWorker().call('load-folder-url', { baseUrl: `/assets/${folder}`, label: folder.split('/').pop() || 'local model' }, { signal, onProgress }))}
              >
                Load
              </button>
            </div>
          ))}
        </div>
        <div className="source-box">
          <h4>Random initialisation</h4>
          <div className="row">
            <select className="input" aria-label="Config preset" value={preset} onChange={(e) => setPreset(e.target.value as BertPresetName)}>
              {(Object.keys(BERT_PRESETS) as BertPresetName[]).map((p) => (
                <option key={p} value={p}>
                  {PRESET_LABEL[p]}
                </option>
              ))}
            </select>
            <label className="small">
              seed <input className="input" type="number" aria-label="Seed" style={{ width: 70 }} value={seed} onChange={(e) => setSeed(Math.trunc(Number(e.target.value)))} />
            </label>
          </div>
          <select className="input" aria-label="Vocabulary for the new model" value={insp.vocabId ?? ''} onChange={(e) => insp.setSettings({ vocabId: e.target.value })}>
            {insp.vocabs.map((v) => (
              <option key={v.id} value={v.id}>
                {v.source.label} · {v.origin}
              </option>
            ))}
          </select>
          <button
            className="btn"
            disabled={busy || !vocab}
            onClick={() =>
              vocab &&
              void st.run(`Initialising a ${preset} model`, (signal) =>
                modelWorker().call(
                  'init-random',
                  { config: { ...BERT_PRESETS[preset] }, preset, seed, vocab: vocab.source, lowercase: insp.lowercase, label: `${preset} (random, seed ${seed})` },
                  { signal },
                ),
              )
            }
          >
            Initialise
          </button>
          <span className="muted small">normal(0, 0.02) weights, LayerNorm 1/0, zero biases, as Hugging Face does.</span>
        </div>
      </div>
    </section>
  );
}

function ModelTable() {
  const { models, selectedModelId, select, refresh } = useModels();
  const [error, setError] = useState<string | null>(null);
  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
    await refresh();
  };
  const exportZip = (m: ModelInfo) =>
    act(async () => {
      const { zip, fileName } = await modelWorker().call('export-model', { id: m.id });
      download(zip.slice().buffer as ArrayBuffer, 'application/zip', fileName);
    });
  return (
    <section className="card" aria-label="Models">
      <div className="card-head">
        <h2>Models</h2>
        <span className="muted small">{models.length} stored in this browser</span>
      </div>
      {models.length === 0 ? (
        <div className="empty">No models yet. Download one from the Hub, open a folder, or initialise one at random.</div>
      ) : (
        <table className="grid" data-testid="model-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Source</th>
              <th className="num">Layers</th>
              <th className="num">Hidden</th>
              <th className="num">Heads</th>
              <th className="num">Parameters</th>
              <th>Vocabulary</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <tr key={m.id} className={m.id === selectedModelId ? 'selected' : ''} onClick={() => select(m.id)} data-testid="model-row">
                <td>
                  <b>{m.label}</b>
                </td>
                <td className="small muted">{describeSource(m)}</td>
                <td className="num">{m.config.num_hidden_layers}</td>
                <td className="num">{m.config.hidden_size}</td>
                <td className="num">{m.config.num_attention_heads}</td>
                <td className="num" data-testid="model-params">{formatCount(m.parameters)}</td>
                <td className="small">{m.vocab ? `${formatCount(m.config.vocab_size)} tokens, ${m.lowercase ? 'uncased' : 'cased'}` : <span className="error-text">none</span>}</td>
                <td style={{ whiteSpace: 'nowrap', textAlign: 'right' }} onClick={(e) => e.stopPropagation()}>
                  <button className="btn small" onClick={() => void exportZip(m)}>
                    Export zip
                  </button>{' '}
                  <button
                    className="btn small danger"
                    onClick={() => {
                      if (confirm(`Delete the model “${m.label}”?`)) void act(() => modelWorker().call('delete-model', { id: m.id }));
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {error ? <div className="error-text small">{error}</div> : null}
    </section>
  );
}

function ModelDetails({ model }: { model: ModelInfo }) {
  const backend = useModels((s) => s.backend);
  const [batch, setBatch] = useState(16);
  const [seq, setSeq] = useState(384);
  const [checkpointing, setCheckpointing] = useState(false);
  const e = estimateModel(model.config, batch, seq, { gradientCheckpointing: checkpointing });
  const scoresBytes = batch * model.config.num_attention_heads * seq * seq * 4;
  const limit = backend?.adapter?.limits.maxStorageBufferBindingSize ?? null;
  const r = model.report;
  return (
    <section className="card" aria-label="Model details">
      <div className="card-head">
        <h2>{model.label}</h2>
        <span className="muted small">{describeSource(model)}</span>
      </div>
      <div className="stats-grid">
        <div>
          <table className="grid small">
            <tbody>
              {Object.entries(model.config).map(([k, v]) => (
                <tr key={k}>
                  <td className="muted mono">{k}</td>
                  <td className="mono">{String(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div>
          <div className="row small" style={{ marginBottom: 8 }}>
            <label>
              batch <input className="input" type="number" min={1} aria-label="Estimate batch size" style={{ width: 70 }} value={batch} onChange={(ev) => setBatch(Math.max(1, Math.trunc(Number(ev.target.value))))} />
            </label>
            <label>
              sequence <input className="input" type="number" min={8} aria-label="Estimate sequence length" style={{ width: 80 }} value={seq} onChange={(ev) => setSeq(Math.max(8, Math.trunc(Number(ev.target.value))))} />
            </label>
            <label title="recompute each encoder layer in the backward pass instead of keeping its activations">
              <input type="checkbox" aria-label="Estimate with gradient checkpointing" checked={checkpointing} onChange={(ev) => setCheckpointing(ev.target.checked)} /> gradient checkpointing
            </label>
          </div>
          <div className="counts" data-testid="model-estimate">
            <Count n={e.parameters} label="parameters" />
            <Count n={formatBytes(e.weightBytes)} label="weights" />
            <Count n={formatBytes(e.adamStateBytes)} label="Adam state" />
            <Count n={formatBytes(e.activationBytes)} label="activations" />
            <Count n={formatBytes(e.trainingBytes)} label="training total" />
            <Count n={formatFlops(e.trainingStepFlops)} label="per training step" />
          </div>
          <div className="small" style={{ marginTop: 10 }}>
            Attention scores: {batch} × {model.config.num_attention_heads} heads × {seq} × {seq} floats = {formatBytes(scoresBytes)}
            {limit !== null ? (
              scoresBytes > limit ? (
                <span className="error-text">
                  {' '}
                  — more than this GPU’s maxStorageBufferBindingSize ({formatBytes(limit)}): use batch {Math.max(1, Math.floor(limit / (model.config.num_attention_heads * seq * seq * 4)))} with gradient accumulation.
                </span>
              ) : (
                <span className="muted"> — fits this GPU’s storage binding limit ({formatBytes(limit)}).</span>
              )
            ) : null}
          </div>
          {r ? (
            <div className="small" style={{ marginTop: 12 }} data-testid="load-report">
              <h4 style={{ marginBottom: 4 }}>Load report</h4>
              <div>{r.loaded.length} tensors loaded{r.renamed.length ? `, ${r.renamed.length} legacy names renamed` : ''}.</div>
              {r.initializedHead.length ? <div>New QA head initialised: {r.initializedHead.join(', ')}.</div> : null}
              {r.ignored.length ? <div className="muted">Ignored (not used for QA): {r.ignored.length} tensors, e.g. {r.ignored.slice(0, 3).join(', ')}.</div> : null}
              {r.missing.length ? <div className="error-text">Missing, initialised at random: {r.missing.join(', ')}.</div> : null}
              {r.mismatched.length ? <div className="error-text">Wrong shape, initialised at random: {r.mismatched.map((m) => m.name).join(', ')}.</div> : null}
              {r.unexpected.length ? <div className="error-text">Unexpected: {r.unexpected.join(', ')}.</div> : null}
            </div>
          ) : null}
        </div>
      </div>
    </section>
  );
}
