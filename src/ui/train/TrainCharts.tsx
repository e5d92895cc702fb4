import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useTrain, type RunData } from '../../state/train.js';
import { TASK_METRICS, type TaskMetric } from '../../core/tasks/views.js';
import { taskOfSetup, type EvalPoint, type RunInfo } from '../../workers/train-api.js';
import { formatCount } from '../format.js';
import { RUN_COLORS, chartColumns, formatMetric } from './charts.js';

interface ChartRun {
  run: RunInfo;
  data: RunData;
  color: string;
}

interface SeriesSpec {
  label: string;
  stroke: string;
  width?: number;
  scale?: string;
  dash?: number[];
  points?: boolean;
  values: (number | null)[];
}

interface ChartSpec {
  x: number[];
  series: SeriesSpec[];
  /** Right-hand axis for a second unit (ms, tensors, loss). */
  right?: { scale: string; label: string };
  leftLabel: string;
  logY?: boolean;
}

function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

function longestSteps(runs: ChartRun[], smoothing: number): number[] {
  let x: (number | null)[] = [];
  for (const r of runs) {
    const steps = chartColumns(r.data.series, smoothing).col('step');
    if (steps.length > x.length) x = steps;
  }
  return x as number[];
}

const metricOf = (r: ChartRun): TaskMetric => TASK_METRICS[taskOfSetup(r.run.setup)];
const SCORE_NAMES = { exact_match: 'EM', accuracy: 'accuracy', f1: 'F1' } as const;

const label = (r: ChartRun, runs: ChartRun[], what: string) => (runs.length > 1 ? `${r.run.label} ${what}` : what);

/** The series of every chart, for the selected run and the runs overlaid on it (all share the step axis). */
export function chartSpecs(runs: ChartRun[], smoothing: number): Record<string, ChartSpec> {
  const x = longestSteps(runs, smoothing);
  const cols = runs.map((r) => chartColumns(r.data.series, smoothing));
  const primary = runs[0];
  const evalSteps = [...new Set(runs.flatMap((r) => r.data.evals.map((e) => e.step)))].sort((a, b) => a - b);
  const evalCol = (r: ChartRun, key: 'exact_match' | 'accuracy' | 'f1' | 'eval_loss') => {
    const at = new Map(r.data.evals.map((e: EvalPoint) => [e.step, e[key] ?? null]));
    return evalSteps.map((s) => at.get(s) ?? null);
  };
  return {
    loss: {
      x,
      leftLabel: 'loss',
      series: runs.flatMap((r, i) => [
        ...(i === 0 || runs.length === 1 ? [{ label: label(r, runs, 'loss (raw)'), stroke: withAlpha(r.color, 0.3), width: 1, values: cols[i].col('loss') }] : []),
        { label: label(r, runs, 'loss (smoothed)'), stroke: r.color, width: 2, values: cols[i].smoothed },
      ]),
    },
    lr: { x, leftLabel: 'learning rate', series: runs.map((r, i) => ({ label: label(r, runs, 'lr'), stroke: r.color, width: 1.5, values: cols[i].col('lr') })) },
    grad_norm: { x, leftLabel: 'global norm', series: runs.map((r, i) => ({ label: label(r, runs, 'grad norm'), stroke: r.color, width: 1, values: cols[i].col('grad_norm') })) },
    speed: {
      x,
      leftLabel: 'samples/s',
      right: { scale: 'ms', label: 'step ms' },
      series: runs.flatMap((r, i) => [
        { label: label(r, runs, 'samples/s'), stroke: r.color, width: 1.5, values: cols[i].col('samples_per_s') },
        ...(i === 0 ? [{ label: label(r, runs, 'step ms'), stroke: withAlpha(r.color, 0.45), width: 1, scale: 'ms', dash: [4, 3], values: cols[i].col('step_ms') }] : []),
      ]),
    },
    memory: {
      x,
      leftLabel: 'MiB',
      right: { scale: 'tensors', label: 'tensors' },
      series: [
        { label: 'tf.memory MiB', stroke: primary.color, width: 1.5, values: cols[0].col('mem_bytes') },
        { label: 'tensors', stroke: withAlpha(primary.color, 0.45), width: 1, scale: 'tensors', dash: [4, 3], values: cols[0].col('mem_tensors') },
      ],
    },
    eval: {
      x: evalSteps,
      leftLabel: metricOf(primary).title,
      right: { scale: 'loss', label: 'eval loss' },
      // Scores share the axis only within one task (EM/F1 in percent, accuracy/F1 as fractions): an
      // overlaid run of the other task shows its eval loss alone.
      series: runs.flatMap((r) => [
        ...(metricOf(r) === metricOf(primary) ? metricOf(r).keys : []).map((key) => ({
          label: label(r, runs, SCORE_NAMES[key]),
          stroke: r.color,
          width: key === 'f1' ? 2 : 1.5,
          ...(key === 'f1' ? {} : { dash: [5, 4] }),
          points: true,
          values: evalCol(r, key),
        })),
        { label: label(r, runs, 'eval loss'), stroke: withAlpha(r.color, 0.45), width: 1, scale: 'loss', points: true, values: evalCol(r, 'eval_loss') },
      ]),
    },
  };
}

function options(spec: ChartSpec, width: number): uPlot.Options {
  const axisStyle = { stroke: '#4a5468', grid: { stroke: '#eef0f4', width: 1 }, ticks: { stroke: '#e2e5eb', width: 1 }, font: '11px system-ui, sans-serif' };
  return {
    width,
    height: 200,
    legend: { live: true },
    cursor: { drag: { x: true, y: false }, points: { size: 6 } },
    scales: { x: { time: false } },
    hooks: { setCursor: [(u) => showLatest(u)] },
    axes: [
      { ...axisStyle, label: 'step', labelSize: 18, labelFont: '11px system-ui, sans-serif', incrs: STEP_INCREMENTS, values: (_u, ticks) => ticks.map((t) => formatCount(t)) },
      { ...axisStyle, scale: 'y', label: spec.leftLabel, labelSize: 18, labelFont: '11px system-ui, sans-serif', size: 56, values: (_u, ticks) => ticks.map((t) => formatMetric(t, 3)) },
      ...(spec.right
        ? [{ ...axisStyle, scale: spec.right.scale, side: 1 as const, grid: { show: false }, label: spec.right.label, labelSize: 18, labelFont: '11px system-ui, sans-serif', size: 56, values: (_u: uPlot, ticks: number[]) => ticks.map((t) => formatMetric(t, 3)) }]
        : []),
    ],
    series: [
      { label: 'step', value: (_u, v) => (v === null ? '–' : String(v)) },
      // Keys left out rather than set to undefined: uPlot's defaults (scale 'y', solid line) must apply.
      ...spec.series.map((s) => ({
        label: s.label,
        stroke: s.stroke,
        width: s.width ?? 1,
        scale: s.scale ?? 'y',
        ...(s.dash ? { dash: s.dash } : {}),
        spanGaps: false,
        points: { show: s.points ?? false, size: 5, fill: s.stroke },
        value: (_u: uPlot, v: number | null) => formatMetric(v),
      })),
    ],
  };
}

// Steps are integers: ticks at whole steps only (1, 2, 5, 10, ...).
const STEP_INCREMENTS = Array.from({ length: 8 }, (_, e) => [1, 2, 5].map((m) => m * 10 ** e)).flat();

function alignedData(spec: ChartSpec): uPlot.AlignedData {
  return [spec.x, ...spec.series.map((s) => s.values)] as uPlot.AlignedData;
}

/** With no cursor on the chart, the legend shows the latest values rather than dashes. */
function showLatest(u: uPlot): void {
  const n = u.data?.[0]?.length ?? 0;
  if (n > 0 && (u.cursor.left ?? -1) < 0 && u.legend.idx !== n - 1) u.setLegend({ idx: n - 1 });
}

function Chart({ id, title, specs, structure, version, extra }: { id: string; title: string; specs: () => Record<string, ChartSpec>; structure: string; version: number; extra?: React.ReactNode }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const frame = useRef(0);
  const latest = useRef(specs);
  latest.current = specs;

  // Created once per set of series (runs overlaid, chart kind), never per point.
  useEffect(() => {
    const el = host.current!;
    const spec = latest.current()[id];
    const u = new uPlot(options(spec, Math.max(200, el.clientWidth)), alignedData(spec), el);
    plot.current = u;
    showLatest(u);
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: 200 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      cancelAnimationFrame(frame.current);
      frame.current = 0;
      u.destroy();
      plot.current = null;
    };
  }, [id, structure]);

  // New points: at most one redraw per animation frame however many arrive.
  useEffect(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const u = plot.current;
      if (!u) return;
      u.setData(alignedData(latest.current()[id]));
      showLatest(u);
    });
  }, [version, id]);

  return (
    <div className="train-chart" data-testid={`chart-${id}`}>
      <div className="train-chart-head">
        <b>{title}</b>
        {extra}
      </div>
      <div ref={host} className="train-chart-plot" />
    </div>
  );
}

export function TrainCharts({ runs }: { runs: RunInfo[] }) {
  const data = useTrain((s) => s.data);
  const version = useTrain((s) => s.dataVersion);
  const smoothing = useTrain((s) => s.smoothing);
  const setSmoothing = useTrain((s) => s.setSmoothing);
  const chartRuns: ChartRun[] = runs.flatMap((run, i) => {
    const d = data.get(run.id);
    return d ? [{ run, data: d, color: RUN_COLORS[i % RUN_COLORS.length] }] : [];
  });
  if (chartRuns.length === 0) return null;
  const structure = chartRuns.map((r) => `${r.run.id}:${r.run.label}`).join('|');
  const specs = () => chartSpecs(chartRuns, smoothing);
  const hasEvals = chartRuns.some((r) => r.data.evals.length > 0);
  return (
    <div className="train-charts">
      <Chart
        id="loss"
        title="Training loss"
        specs={specs}
        structure={structure}
        version={version}
        extra={
          <label className="small muted row" style={{ gap: 6 }}>
            smoothing
            <input type="range" min={0} max={0.99} step={0.01} value={smoothing} aria-label="Smoothing" onChange={(e) => setSmoothing(Number(e.target.value))} />
            <span className="mono">{smoothing.toFixed(2)}</span>
          </label>
        }
      />
      <Chart id="lr" title="Learning rate" specs={specs} structure={structure} version={version} />
      <Chart id="grad_norm" title="Gradient norm (before clipping)" specs={specs} structure={structure} version={version} />
      <Chart id="speed" title="Throughput and step time" specs={specs} structure={structure} version={version} />
      <Chart id="memory" title={`Memory (tf.memory) · ${chartRuns[0].run.label}`} specs={specs} structure={structure} version={version} />
      <Chart
        id="eval"
        title={`Evaluation: ${TASK_METRICS[taskOfSetup(chartRuns[0].run.setup)].title}`}
        specs={specs}
        structure={structure}
        version={version}
        extra={hasEvals ? null : <span className="small muted">{chartRuns[0].run.setup.evalDatasetId ? 'first points after the first evaluation' : 'no eval dataset in this run'}</span>}
      />
    </div>
  );
}
