import type { Progress } from '../../workers/protocol.js';

export function ProgressBar({ progress }: { progress: Progress | null }) {
  const pct = progress && progress.total > 0 ? Math.min(100, (100 * progress.done) / progress.total) : 0;
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)}>
      <div style={{ width: `${pct}%` }} />
    </div>
  );
}
