import type { PairDatasetInfo } from '../../core/storage/pairs.js';
import { formatCount } from '../format.js';

/** The `<option>`s of a sentence-pair dataset picker: each set by name and size. */
export function PairSetOptions({ sets }: { sets: readonly PairDatasetInfo[] }) {
  return (
    <>
      {sets.map((d) => (
        <option key={d.id} value={d.id}>
          {d.name} ({formatCount(d.pairs)} pairs)
        </option>
      ))}
    </>
  );
}
