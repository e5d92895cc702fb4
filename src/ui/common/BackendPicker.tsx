import { useEffect } from 'react';
import { useModels } from '../../state/models.js';
import type { BackendInfo, BackendName } from '../../workers/model-api.js';

const ORDER: BackendName[] = ['webgpu', 'wasm', 'cpu'];

/** What a backend is here, in a few words: threads for wasm, "software" for an emulated GPU. */
export function backendDetail(info: BackendInfo | null, b: BackendName): string {
  if (!info) return '';
  if (b === 'wasm' && info.wasmThreads) return info.wasmThreads > 1 ? `${info.wasmThreads} threads, SIMD` : '1 thread (the page is not cross-origin isolated)';
  if (b === 'webgpu' && info.softwareAdapter) return 'software GPU, slow';
  if (b === 'webgpu' && info.adapter) return info.adapter.vendor || 'GPU';
  if (b === 'cpu') return 'plain JavaScript, slowest';
  return '';
}

/**
 * The backend a job will run on, and buttons to change it. Used by Train (the run's backend),
 * Evaluate and the Playground (the model worker's backend, also chosen in the Model panel).
 */
export function BackendPicker({ info, value, onChange, label, testId, disabled }: { info: BackendInfo | null; value: BackendName | null; onChange(b: BackendName): void; label: string; testId: string; disabled?: boolean }) {
  const detail = value ? backendDetail(info, value) : '';
  return (
    <div className="field backend-picker">
      <span>Runs on</span>
      <span className="row">
        <span className="segmented" role="group" aria-label={label}>
          {ORDER.map((b) => {
            const why = info?.unavailable[b];
            const title = why ?? [backendDetail(info, b), b === 'webgpu' && info?.softwareAdapter ? `${info.softwareAdapter}: wasm is much faster` : '', info?.recommended === b ? 'the default here' : ''].filter(Boolean).join(' · ');
            return (
              <button key={b} className={value === b ? 'on' : ''} disabled={disabled || !info || !info.available.includes(b)} title={title} onClick={() => onChange(b)}>
                {b}
              </button>
            );
          })}
        </span>
        <span className="muted small" data-testid={testId}>
          {value ? `${value}${detail ? ` · ${detail}` : ''}` : 'probing backends…'}
        </span>
      </span>
    </div>
  );
}

/** The model worker's backend (Evaluate, Playground): the same choice as the Model panel's, remembered. */
export function WorkerBackendPicker({ label, testId, disabled }: { label: string; testId: string; disabled?: boolean }) {
  const info = useModels((s) => s.backend);
  const setBackend = useModels((s) => s.setBackend);
  const loadBackend = useModels((s) => s.loadBackend);
  useEffect(() => {
    void loadBackend();
  }, [loadBackend]);
  return <BackendPicker info={info} value={info?.current ?? null} onChange={(b) => void setBackend(b)} label={label} testId={testId} disabled={disabled} />;
}
