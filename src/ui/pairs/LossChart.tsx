import type { PairRunPoint } from '../../workers/pair-api.js';

/** Training loss per optimizer step, as a plain SVG line (a run of a few hundred points). */
export function LossChart({ points }: { points: PairRunPoint[] }) {
  const W = 600;
  const H = 180;
  const pad = { l: 40, r: 10, t: 10, b: 22 };
  const finite = points.filter((p) => Number.isFinite(p.loss));
  if (finite.length === 0) return <svg className="pair-chart" viewBox={`0 0 ${W} ${H}`} data-testid="pair-loss-chart" />;
  const maxStep = Math.max(...finite.map((p) => p.step), 1);
  const lo = Math.min(...finite.map((p) => p.loss));
  const hi = Math.max(...finite.map((p) => p.loss));
  const span = hi - lo || 1;
  const x = (s: number) => pad.l + ((W - pad.l - pad.r) * s) / maxStep;
  const y = (v: number) => pad.t + (H - pad.t - pad.b) * (1 - (v - lo) / span);
  const d = finite.map((p, i) => `${i ? 'L' : 'M'}${x(p.step).toFixed(1)},${y(p.loss).toFixed(1)}`).join('');
  return (
    <svg className="pair-chart" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" data-testid="pair-loss-chart" role="img" aria-label="loss by step">
      <text x={4} y={pad.t + 8}>{hi.toFixed(3)}</text>
      <text x={4} y={H - pad.b}>{lo.toFixed(3)}</text>
      <text x={W - pad.r - 40} y={H - 6}>step {maxStep}</text>
      <text x={pad.l} y={H - 6}>loss</text>
      <path d={d} fill="none" stroke="#2f5bd3" strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
    </svg>
  );
}
