import type { LogitsOverlay } from '../../state/inspector.js';
import './logits.css';

/** One window's logits, as shares of the window's softmax relative to its peak (0..1) for drawing. */
export interface WindowLogitsView {
  startLogits: Float32Array;
  endLogits: Float32Array;
  /** softmax(start) / max(softmax(start)), over the window's real tokens. */
  startShare: Float64Array;
  endShare: Float64Array;
  startProb: Float64Array;
  endProb: Float64Array;
  argStart: number;
  argEnd: number;
}

function softmax(logits: Float32Array, n: number): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, logits[i]);
  const out = new Float64Array(n);
  let z = 0;
  for (let i = 0; i < n; i++) z += out[i] = Math.exp(logits[i] - max);
  for (let i = 0; i < n; i++) out[i] /= z;
  return out;
}

function argmax(a: Float64Array): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

/**
 * The overlay's logits for window n of the shown example, or null when there are none or the
 * window's tokens differ from the ones the logits were computed for (different settings).
 */
export function windowLogits(overlay: LogitsOverlay | null, exampleId: string, n: number, inputIds: ArrayLike<number>, realLength: number): WindowLogitsView | null {
  if (!overlay || overlay.exampleId !== exampleId) return null;
  const w = overlay.windows[n];
  if (!w || w.inputIds.length !== inputIds.length) return null;
  for (let i = 0; i < inputIds.length; i++) if (w.inputIds[i] !== inputIds[i]) return null;
  const startProb = softmax(w.startLogits, realLength);
  const endProb = softmax(w.endLogits, realLength);
  const argStart = argmax(startProb);
  const argEnd = argmax(endProb);
  const startShare = startProb.map((p) => p / startProb[argStart]);
  const endShare = endProb.map((p) => p / endProb[argEnd]);
  return { startLogits: w.startLogits, endLogits: w.endLogits, startShare, endShare, startProb, endProb, argStart, argEnd };
}

/** Two bars under a token chip: start (green) and end (red) probability, relative to the window's peak. */
export function LogitBars({ view, i }: { view: WindowLogitsView; i: number }) {
  return (
    <span className="logit-bars" aria-hidden>
      <i className="s" style={{ width: `${(100 * view.startShare[i]).toFixed(1)}%` }} />
      <i className="e" style={{ width: `${(100 * view.endShare[i]).toFixed(1)}%` }} />
    </span>
  );
}

export function logitTitle(view: WindowLogitsView, i: number): string {
  return ` · start logit ${view.startLogits[i].toFixed(2)} (p ${view.startProb[i].toFixed(3)}) · end logit ${view.endLogits[i].toFixed(2)} (p ${view.endProb[i].toFixed(3)})`;
}

export function LogitsLegend({ overlay }: { overlay: LogitsOverlay }) {
  return (
    <div className="logits-legend" data-testid="logits-legend">
      <div>
        <b>Logits of {overlay.source}</b>
      </div>
      <div>
        <span className="tok context has-logits logit-demo">
          tok
          <span className="logit-bars" aria-hidden>
            <i className="s" style={{ width: '100%' }} />
            <i className="e" style={{ width: '45%' }} />
          </span>
        </span>
        bars: <span className="key s">start</span> / <span className="key e">end</span> probability, relative to the window's highest
      </div>
      <div>
        <span className="tok context pred">pred</span>predicted span{' '}
        {overlay.predicted ? <span className="mono" data-testid="predicted-text">“{overlay.predicted.text}”</span> : <i>(none qualified)</i>}
      </div>
      <div>
        <span className="tok context argmax-start">▲</span>
        <span className="tok context argmax-end">▼</span>highest start / end logit of a window
      </div>
    </div>
  );
}
