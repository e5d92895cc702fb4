import type { Progress } from '../../workers/protocol.js';
import { ProgressBar } from './Progress.js';

/** A long job under way: what it is, how far it got, and a Cancel button. */
export function JobBanner({ title, caption, progress, onCancel, testId }: { title: string; caption: string; progress: Progress | null; onCancel(): void; testId?: string }) {
  return (
    <div className="job" data-testid={testId} aria-busy>
      <div className="row">
        <b className="grow">{title}</b>
        <span className="muted small">{caption}</span>
        <button className="btn small" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <ProgressBar progress={progress} />
    </div>
  );
}
