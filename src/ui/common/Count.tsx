import { formatCount } from '../format.js';

/** A big number with a small caption under it. */
export function Count({ n, label, testId }: { n: number | string; label: string; testId?: string }) {
  return (
    <div className="count" data-testid={testId}>
      <b>{typeof n === 'number' ? formatCount(n) : n}</b>
      <span>{label}</span>
    </div>
  );
}
