import { MRPC_LABELS } from '../../core/tasks/mrpc/types.js';

/** A pair's gold or predicted label as a coloured pill. */
export function LabelPill({ label }: { label: 0 | 1 | null }) {
  if (label === null) return <span className="pill">no label</span>;
  return <span className={`pill ${label === 1 ? 'ok' : 'bad'}`}>{MRPC_LABELS[label].replace('_', ' ')}</span>;
}
