import { useTrain } from '../../state/train.js';
import { TASK_METRICS, formatTaskScore } from '../../core/tasks/views.js';
import { taskOfSetup, type RunInfo } from '../../workers/train-api.js';
import { formatCount, formatDate } from '../format.js';
import { formatMetric, statusText } from './charts.js';

function bestF1(run: RunInfo): string {
  if (!run.evalDatasetName) return 'no eval';
  return run.bestF1 === null || run.bestF1 === undefined ? '–' : formatTaskScore(taskOfSetup(run.setup), run.bestF1);
}

export function RunsTable() {
  const st = useTrain();
  const { runs, selectedRunId, overlayIds } = st;
  const exportIds = overlayIds.length > 0 ? [...new Set([selectedRunId, ...overlayIds].filter((x): x is string => !!x))] : selectedRunId ? [selectedRunId] : [];
  return (
    <section className="card" aria-label="Runs">
      <div className="card-head">
        <h2>Runs</h2>
        <span className="muted small grow">{runs.length} kept in this browser · tick “overlay” to draw runs on the same charts</span>
        <button className="btn small" disabled={exportIds.length === 0} onClick={() => void st.exportMetrics(exportIds, 'csv')}>
          Export CSV{exportIds.length > 1 ? ` (${exportIds.length} runs)` : ''}
        </button>
        <button className="btn small" disabled={exportIds.length === 0} onClick={() => void st.exportMetrics(exportIds, 'json')}>
          Export JSON{exportIds.length > 1 ? ` (${exportIds.length} runs)` : ''}
        </button>
      </div>
      {runs.length === 0 ? (
        <div className="empty">{st.runsLoaded ? 'No runs yet. Pick a dataset and a model above and start training.' : 'Loading runs…'}</div>
      ) : (
        <div className="train-runs-scroll">
          <table className="grid train-runs" data-testid="runs-table">
            <thead>
              <tr>
                <th>Run</th>
                <th>Model</th>
                <th>Data</th>
                <th>Status</th>
                <th className="num">Step</th>
                <th className="num">lr</th>
                <th className="num">Batch</th>
                <th className="num">Best F1</th>
                <th>Started</th>
                <th>Overlay</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {[...runs].reverse().map((r) => {
                const h = r.setup.hyperparameters;
                const resumable = (r.status === 'paused' || r.status === 'failed') && r.checkpointStep !== null;
                return (
                  <tr key={r.id} className={r.id === selectedRunId ? 'selected' : ''} onClick={() => st.select(r.id)} data-testid="run-row">
                    <td className="names run-name">
                      <b>{r.label}</b>
                      {taskOfSetup(r.setup) !== 'qa' ? (
                        <span className="pill small run-task" title={`${TASK_METRICS[taskOfSetup(r.setup)].name} run`} data-testid="run-row-task">
                          {taskOfSetup(r.setup).toUpperCase()}
                        </span>
                      ) : null}
                    </td>
                    <td className="small names">{r.modelLabel}</td>
                    <td className="small names">
                      {r.trainDatasetName}
                      {r.evalDatasetName ? <span className="muted"> · eval {r.evalDatasetName}</span> : null}
                    </td>
                    <td>
                      <span className={`pill ${r.status === 'failed' ? 'bad' : r.status === 'running' || r.status === 'completed' ? 'ok' : r.status === 'paused' ? 'demo' : ''}`} data-testid="run-row-status" title={r.reason ?? statusText(r)}>
                        {statusText(r, true)}
                      </span>
                    </td>
                    <td className="num">
                      {formatCount(r.step)} / {formatCount(r.totalSteps)}
                    </td>
                    <td className="num">{formatMetric(h.learningRate)}</td>
                    <td className="num">
                      {h.batchSize}
                      {h.gradAccumSteps > 1 ? ` × ${h.gradAccumSteps}` : ''}
                    </td>
                    <td className="num">{bestF1(r)}</td>
                    <td className="small muted">{formatDate(r.createdAt)}</td>
                    <td onClick={(e) => e.stopPropagation()}>
                      <input type="checkbox" aria-label={`Overlay ${r.label}`} checked={overlayIds.includes(r.id)} disabled={r.id === selectedRunId} onChange={() => st.toggleOverlay(r.id)} />
                    </td>
                    <td style={{ whiteSpace: 'nowrap', textAlign: 'right' }} onClick={(e) => e.stopPropagation()}>
                      {resumable ? (
                        <button className="btn small primary" disabled={!!st.starting || runs.some((x) => x.status === 'running')} onClick={() => void st.resume(r.id)}>
                          Resume
                        </button>
                      ) : null}{' '}
                      <button
                        className="btn small danger"
                        onClick={() => {
                          if (confirm(`Delete the run “${r.label}” with its metrics and checkpoint? A model it saved is kept.`)) void st.remove(r.id);
                        }}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
