import { useModels } from '../../state/models.js';
import { BackendPicker } from '../common/BackendPicker.js';
import { JobBanner } from '../common/JobBanner.js';
import { useElapsed } from '../common/useElapsed.js';
import { formatBytes } from '../format.js';

function Calibration() {
  const { calibration, calibrating, cancelCalibration } = useModels();
  const elapsed = useElapsed(calibrating?.startedAt ?? null);
  if (calibrating) {
    return <JobBanner title={calibrating.label} caption={`${elapsed.toFixed(1)} s`} progress={calibrating.progress} onCancel={cancelCalibration} testId="calibration-job" />;
  }
  if (!calibration) return null;
  const rows = Object.entries(calibration.millis).sort((a, b) => a[1]! - b[1]!);
  return (
    <div className="small" data-testid="calibration">
      <span className="muted">Measured ({calibration.workload}, forward + backward): </span>
      {rows.map(([b, ms], i) => (
        <span key={b}>
          {i > 0 ? ' · ' : ''}
          {b} {ms! < 1000 ? `${ms!.toFixed(0)} ms` : `${(ms! / 1000).toFixed(2)} s`}
        </span>
      ))}
      {Object.entries(calibration.failed).map(([b, why]) => (
        <span key={b} className="error-text">
          {' '}
          · {b} failed: {why}
        </span>
      ))}
    </div>
  );
}

export function BackendCard() {
  const { backend, backendError, backendChoice, setBackend, calibrate, calibrating, selectedModelId } = useModels();
  const a = backend?.adapter;
  return (
    <section className="card" aria-label="Backend">
      <div className="card-head">
        <h2>Compute backend</h2>
        {backend ? (
          <span data-testid="current-backend" className="pill ok">
            using {backend.current}
          </span>
        ) : null}
        <span className="muted small">TensorFlow.js in a worker: a hardware GPU first, then multi-threaded WebAssembly, then plain JavaScript</span>
      </div>
      {backendError ? <div className="error-text">{backendError}</div> : null}
      {!backend ? (
        <div className="muted">Probing backends…</div>
      ) : (
        <div className="stats-grid">
          <div style={{ display: 'flex', flexDirection: 'column', gap: 10 }}>
            <BackendPicker info={backend} value={backend.current} onChange={(b) => void setBackend(b)} label="Backend" testId="model-backend" disabled={!!calibrating} />
            <div className="muted small" data-testid="backend-reason">
              {backendChoice ? `Your pick, remembered in this browser (the default here is ${backend.recommended}).` : `The default here${backend.softwareAdapter ? `: not webgpu, as ${backend.softwareAdapter}` : ''}.`}
              {backend.crossOriginIsolated ? '' : ' The page is not cross-origin isolated, so wasm runs on one thread.'}
            </div>
            <div className="row">
              <button className="btn small" disabled={!!calibrating} onClick={() => void calibrate(selectedModelId, true)} title="times a forward and backward pass of the selected model (or a tiny one) on each backend and uses the fastest">
                Measure backends
              </button>
            </div>
            <Calibration />
            {Object.entries(backend.unavailable).map(([b, why]) => (
              <div key={b} className="muted small">
                {b}: {why}
              </div>
            ))}
          </div>
          <div className="small" data-testid="adapter-info">
            {a ? (
              <table className="grid">
                <tbody>
                  <tr>
                    <td className="muted">GPU adapter</td>
                    <td>
                      {a.vendor || 'unknown vendor'} · {a.architecture || 'unknown architecture'} {a.description ? `· ${a.description}` : ''}
                      {backend.softwareAdapter ? <span className="pill bad"> software</span> : null}
                    </td>
                  </tr>
                  <tr>
                    <td className="muted">maxBufferSize</td>
                    <td>{formatBytes(a.limits.maxBufferSize)}</td>
                  </tr>
                  <tr>
                    <td className="muted">maxStorageBufferBindingSize</td>
                    <td>{formatBytes(a.limits.maxStorageBufferBindingSize)}</td>
                  </tr>
                  <tr>
                    <td className="muted">workgroup storage / invocations</td>
                    <td>
                      {formatBytes(a.limits.maxComputeWorkgroupStorageSize)} / {a.limits.maxComputeInvocationsPerWorkgroup}
                    </td>
                  </tr>
                </tbody>
              </table>
            ) : (
              <span className="muted">No WebGPU adapter in this browser.</span>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
