import { useEffect } from 'react';
import { useModels } from '../../state/models.js';
import type { BackendInfo, BackendName } from '../../workers/model-api.js';

const ORDER: BackendName[] = ['webgpu', 'wasm', 'cpu'];
// Compact pickers show the state by the pressed button; screen readers still get it in words.
const VISUALLY_HIDDEN = { position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' } as const;

/** What a backend is here, in a few words: threads for wasm, "software" for an emulated GPU. */
export function backendDetail(info: BackendInfo | null, b: BackendName): string {
  if (!info) return '';
  if (b === 'wasm' && info.wasmThreads) {
    const simd = info.wasmRelaxedSimd ? 'relaxed SIMD' : 'SIMD';
    return info.wasmThreads > 1 ? `${info.wasmThreads} threads, ${simd}` : `1 thread, ${simd} (the page is not cross-origin isolated)`;
  }
  if (b === 'webgpu' && info.softwareAdapter) return 'software GPU, slow';
  if (b === 'webgpu' && info.adapter) return info.adapter.vendor || 'GPU';
  if (b === 'cpu') return 'plain JavaScript, slowest';
  return '';
}

/**
 * The backend a job will run on, and buttons to change it. Used by Train (the run's backend),
 * Evaluate and the Playground (the model worker's backend, also chosen in the Model panel).
 */
export function BackendPicker({ info, value, onChange, label, testId, disabled, compact }: { info: BackendInfo | null; value: BackendName | null; onChange(b: BackendName): void; label: string; testId: string; disabled?: boolean; compact?: boolean }) {
  const detail = value ? backendDetail(info, value) : '';
  const status = value ? (compact ? value : `${value}${detail ? ` · ${detail}` : ''}`) : 'probing backends…';
  return (
    <div className={compact ? 'row small backend-picker' : 'field backend-picker'} title={compact && detail ? `${value}: ${detail}` : undefined}>
      <span>{compact ? 'runs on' : 'Runs on'}</span>
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
        <span className="muted small" style={compact ? VISUALLY_HIDDEN : undefined} data-testid={testId}>
          {status}
        </span>
      </span>
    </div>
  );
}

/** The model worker's backend (Evaluate, Playground): the same choice as the Model panel's, remembered. */
export function WorkerBackendPicker({ label, testId, disabled, compact }: { label: string; testId: string; disabled?: boolean; compact?: boolean }) {
  const info = useModels((s) => s.backend);
  const setBackend = useModels((s) => s.setBackend);
  const loadBackend = useModels((s) => s.loadBackend);
  useEffect(() => {
    void loadBackend();
  }, [loadBackend]);
  return <BackendPicker info={info} value={info?.current ?? null} onChange={(b) => void setBackend(b)} label={label} testId={testId} disabled={disabled} compact={compact} />;
}
