// The training protocol: each request goes to the run state machine (train-run.ts) and answers from it.
import type { Handlers } from '../protocol.js';
import { StudioError } from '../protocol.js';
import type { TrainApi } from '../train-api.js';
import { watchEvents } from './train-events.js';
import { metricsToCsv, metricsToJson } from './train-metrics.js';
import { activeRun, checkpointSoon, control, deleteRun, listRuns, resumeRun, runMetrics, startRun, stopHeld, stopStored } from './train-run.js';

export { refuseWhileRunning } from './train-run.js';

export const trainHandlers: Handlers<TrainApi> = {
  'train-start': ({ setup, label }, ctx) => startRun(setup, label, ctx),

  async 'train-pause'({ runId }) {
    const run = activeRun(runId);
    if (!run?.loop) {
      const info = (await listRuns()).find((r) => r.id === runId);
      if (!info) throw new StudioError('not-found', `No run with id ${runId}.`);
      return info;
    }
    await control(run, 'pause');
    return { ...run.info };
  },

  'train-resume': ({ runId, backend }, ctx) => resumeRun(runId, backend, ctx),

  async 'train-stop'({ runId }) {
    const run = activeRun(runId);
    if (!run) return stopStored(runId);
    if (run.loop) await control(run, 'stop');
    else await stopHeld(run);
    return { ...run.info };
  },

  'train-checkpoint': () => checkpointSoon(),

  'train-runs': () => listRuns(),

  'train-metrics': ({ runId }) => runMetrics(runId),

  async 'train-delete'({ runId }) {
    await deleteRun(runId);
    return null;
  },

  async 'train-export'({ runIds, format }) {
    const runs = await listRuns();
    const picked = [];
    for (const id of runIds) {
      const run = runs.find((r) => r.id === id);
      if (!run) throw new StudioError('not-found', `No run with id ${id}.`);
      const m = await runMetrics(id);
      picked.push({ run, columns: m.columns, count: m.count, evals: m.evals });
    }
    const base = picked.length === 1 ? picked[0].run.label.replace(/[^\w.-]+/g, '_') : `runs-${picked.length}`;
    return format === 'csv' ? { fileName: `${base}-metrics.csv`, text: metricsToCsv(picked) } : { fileName: `${base}-metrics.json`, text: metricsToJson(picked) };
  },

  'train-watch': ({ after, waitMs }, ctx) => watchEvents(after, waitMs, ctx.signal),
};
