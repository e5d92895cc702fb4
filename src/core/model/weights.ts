import type { BertConfig } from './config.js';
import type { StoredTensor } from './dtypes.js';
import { type HostParams, type ParamSpec, bertEncoderParamSpecs, initParam, qaHeadParamSpecs } from './params.js';

export interface ShapeMismatch {
  name: string;
  expected: number[];
  found: number[];
}

/** What a checkpoint load did, so the UI can show it and the user can judge the result. */
export interface LoadReport {
  /** Parameters taken from the file. */
  loaded: string[];
  /** Names in the file that were rewritten to the current naming (gamma/beta, missing `bert.` prefix). */
  renamed: { from: string; to: string }[];
  /** Task-head parameters absent from the file (a pretrained encoder) and freshly initialised. */
  initializedHead: string[];
  /** Other parameters absent from the file, freshly initialised: the model is not what the file describes. */
  missing: string[];
  /** Parameters whose shape in the file disagrees with the config; freshly initialised. */
  mismatched: ShapeMismatch[];
  /** Known pre-training heads and buffers that a QA model does not use (pooler, cls, position_ids). */
  ignored: string[];
  /** Names the model does not know at all. */
  unexpected: string[];
}

export interface LoadedWeights {
  params: HostParams;
  report: LoadReport;
}

export class WeightsLoadError extends Error {
  constructor(message: string, readonly report: LoadReport) {
    super(message);
    this.name = 'WeightsLoadError';
  }
}

const IGNORED_PATTERNS = [/^bert\.pooler\./, /^cls\./, /^bert\.embeddings\.position_ids$/];

/** Maps a checkpoint name to the current Hugging Face name: `gamma`/`beta`, and a bare BertModel prefix. */
export function canonicalParamName(name: string): string {
  let n = name.replace(/\.gamma$/, '.weight').replace(/\.beta$/, '.bias');
  if (/^(embeddings|encoder|pooler)\./.test(n)) n = `bert.${n}`;
  return n;
}

/**
 * Builds BertForQuestionAnswering parameters from checkpoint tensors. Never throws for missing or
 * mis-shaped tensors (they are initialised with `seed` and reported); `strict` turns those into errors.
 */
export interface LoadWeightsOptions {
  seed?: number;
  strict?: boolean;
  /** The task head's parameters (default: BertForQuestionAnswering's qa_outputs). */
  head?: readonly ParamSpec[];
}

export function loadBertWeights(
  config: BertConfig,
  tensors: ReadonlyMap<string, StoredTensor>,
  options: LoadWeightsOptions = {},
): LoadedWeights {
  const seed = options.seed ?? 0;
  const report: LoadReport = { loaded: [], renamed: [], initializedHead: [], missing: [], mismatched: [], ignored: [], unexpected: [] };
  const byName = new Map<string, StoredTensor>();
  for (const [raw, t] of tensors) {
    const name = canonicalParamName(raw);
    if (name !== raw) report.renamed.push({ from: raw, to: name });
    byName.set(name, t);
  }
  const head = options.head ?? qaHeadParamSpecs(config);
  const headNames = new Set(head.map((s) => s.name));
  const specs = [...bertEncoderParamSpecs(config), ...head];
  const known = new Set(specs.map((s) => s.name));
  for (const name of byName.keys()) {
    if (known.has(name)) continue;
    if (IGNORED_PATTERNS.some((re) => re.test(name))) report.ignored.push(name);
    else report.unexpected.push(name);
  }
  const params: HostParams = new Map();
  for (const spec of specs) {
    const t = byName.get(spec.name);
    if (!t) {
      if (headNames.has(spec.name)) report.initializedHead.push(spec.name);
      else report.missing.push(spec.name);
      // Hugging Face initialises a fresh head with initializer_range (0.02 for every BERT), biases 0.
      params.set(spec.name, initParam(spec, config, seed));
      continue;
    }
    if (t.shape.length !== spec.shape.length || t.shape.some((d, i) => d !== spec.shape[i])) {
      report.mismatched.push({ name: spec.name, expected: [...spec.shape], found: [...t.shape] });
      params.set(spec.name, initParam(spec, config, seed));
      continue;
    }
    params.set(spec.name, { shape: [...spec.shape], data: t.toFloat32() });
    report.loaded.push(spec.name);
  }
  if (options.strict && (report.missing.length > 0 || report.mismatched.length > 0)) {
    throw new WeightsLoadError(formatLoadReport(report), report);
  }
  return { params, report };
}

function listed(names: string[], max = 6): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** A short human-readable summary, one line per kind of event. */
export function formatLoadReport(report: LoadReport): string {
  const lines = [`loaded ${report.loaded.length} tensors`];
  if (report.renamed.length) lines.push(`renamed ${report.renamed.length} legacy names (e.g. ${report.renamed[0].from} -> ${report.renamed[0].to})`);
  if (report.initializedHead.length) {
    const kind = report.initializedHead.some((n) => n.startsWith('qa_outputs.')) ? 'QA' : 'classification';
    lines.push(`initialised a new ${kind} head: ${report.initializedHead.join(', ')}`);
  }
  if (report.missing.length) lines.push(`MISSING from the file, initialised at random: ${listed(report.missing)}`);
  for (const m of report.mismatched) lines.push(`SHAPE MISMATCH ${m.name}: file has [${m.found}], config needs [${m.expected}]; initialised at random`);
  if (report.ignored.length) lines.push(`ignored pre-training heads/buffers: ${listed(report.ignored)}`);
  if (report.unexpected.length) lines.push(`unexpected tensors (not used): ${listed(report.unexpected)}`);
  return lines.join('\n');
}
