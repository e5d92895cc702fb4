// The README.md (model card) of a model pushed to the Hugging Face Hub, and its training curve as SVG.

export interface CurvePoint {
  step: number;
  loss: number;
}

export interface EvalSummary {
  step: number;
  exact_match: number | null;
  f1: number | null;
  eval_loss: number | null;
}

export interface ModelCardInfo {
  /** owner/name on the Hub. */
  repo: string;
  title: string;
  /** Hub id or description of the starting weights; null when trained from a random initialisation. */
  baseModel: string | null;
  baseModelIsHubId: boolean;
  config: { hidden_size: number; num_hidden_layers: number; num_attention_heads: number; intermediate_size: number; vocab_size: number; max_position_embeddings: number };
  parameters: number;
  trainData: string | null;
  evalData: string | null;
  /** Rows as tokenized (windows). */
  trainRows: number | null;
  hyperparameters: Record<string, string | number | boolean> | null;
  maxLength: number | null;
  stride: number | null;
  steps: number | null;
  /** How it was trained, in words (e.g. "in the browser with BERT Studio (TensorFlow.js, webgpu)"). */
  trainedWith: string | null;
  lastEval: EvalSummary | null;
  /** Path of the curve image in the repo, when one is uploaded. */
  curveImage: string | null;
}

const yamlString = (s: string) => JSON.stringify(s);

function metricsTable(e: EvalSummary): string {
  const rows: string[] = [];
  if (e.exact_match !== null) rows.push(`| exact match | ${e.exact_match.toFixed(2)} |`);
  if (e.f1 !== null) rows.push(`| F1 | ${e.f1.toFixed(2)} |`);
  if (e.eval_loss !== null) rows.push(`| eval loss | ${e.eval_loss.toFixed(4)} |`);
  return rows.length ? `| metric (step ${e.step}) | value |\n|---|---|\n${rows.join('\n')}` : '';
}

/** README.md with Hub metadata (YAML front matter), what the model is, how it was trained and how to use it. */
export function modelCard(info: ModelCardInfo): string {
  const meta = ['---', 'library_name: transformers', 'pipeline_tag: question-answering', 'tags:', '- bert', '- question-answering', '- bert-studio'];
  if (info.baseModel && info.baseModelIsHubId) meta.push(`base_model: ${yamlString(info.baseModel)}`);
  if (info.lastEval && (info.lastEval.exact_match !== null || info.lastEval.f1 !== null)) {
    meta.push('model-index:', `- name: ${yamlString(info.repo.split('/').pop() ?? info.repo)}`, '  results:', '  - task:', '      type: question-answering', '      name: Extractive question answering');
    meta.push('    dataset:', '      type: squad', `      name: ${yamlString(info.evalData ?? 'evaluation data')}`, '    metrics:');
    if (info.lastEval.exact_match !== null) meta.push('    - type: exact_match', `      value: ${info.lastEval.exact_match}`);
    if (info.lastEval.f1 !== null) meta.push('    - type: f1', `      value: ${info.lastEval.f1}`);
  }
  meta.push('---');
  const c = info.config;
  const lines = [
    meta.join('\n'),
    '',
    `# ${info.title}`,
    '',
    `A BertForQuestionAnswering model for extractive question answering (SQuAD v1.1 format): given a question and a context, it predicts the start and end of the answer span in the context. ${c.num_hidden_layers} layers, hidden size ${c.hidden_size}, ${c.num_attention_heads} heads, intermediate size ${c.intermediate_size}, vocabulary ${c.vocab_size}, ${info.parameters.toLocaleString('en-US')} parameters.`,
    '',
    '## Training',
    '',
    `- Base model: ${info.baseModel ? (info.baseModelIsHubId ? `[${info.baseModel}](https://huggingface.co/${info.baseModel})` : info.baseModel) : 'a random initialisation'}`,
    `- Training data: ${info.trainData ?? 'not recorded'}${info.trainRows !== null ? ` (${info.trainRows.toLocaleString('en-US')} windows)` : ''}`,
    `- Evaluation data: ${info.evalData ?? 'none'}`,
  ];
  if (info.maxLength !== null) lines.push(`- Tokenization: max_length ${info.maxLength}, stride ${info.stride ?? '–'}, truncation only_second; labels by the fully-inside rule`);
  if (info.trainedWith) lines.push(`- Trained ${info.trainedWith}${info.steps !== null ? `, ${info.steps.toLocaleString('en-US')} optimizer steps` : ''}`);
  if (info.hyperparameters) {
    lines.push('', '| hyperparameter | value |', '|---|---|');
    for (const [k, v] of Object.entries(info.hyperparameters)) lines.push(`| ${k} | ${String(v)} |`);
  }
  if (info.curveImage) lines.push('', `![Training loss per optimizer step](${info.curveImage})`);
  lines.push('', '## Results', '');
  lines.push(info.lastEval ? metricsTable(info.lastEval) || 'No metrics were recorded.' : 'No evaluation was recorded.');
  lines.push(
    '',
    '## Use',
    '',
    '```python',
    'from transformers import pipeline',
    '',
    `qa = pipeline("question-answering", model=${yamlString(info.repo)})`,
    'qa(question="Where does the river flow?", context="The river flows north past the old mill.")',
    '```',
    '',
    'Made with BERT Studio.',
    '',
  );
  return lines.join('\n');
}

/** Debiased exponential moving average, as TensorBoard smooths: what the studio's charts draw. */
function smooth(values: number[], weight: number): number[] {
  let last = 0;
  let debias = 0;
  return values.map((v) => {
    last = last * weight + (1 - weight) * v;
    debias = debias * weight + (1 - weight);
    return last / debias;
  });
}

/** The training loss (raw and smoothed) against the step as a standalone SVG image. */
export function lossCurveSvg(points: readonly CurvePoint[], title: string, width = 800, height = 400): string {
  const pts = points.filter((p) => Number.isFinite(p.loss));
  if (pts.length === 0) throw new Error('no finite loss values to draw');
  const m = { left: 64, right: 20, top: 40, bottom: 48 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const x0 = pts[0].step;
  const x1 = Math.max(pts[pts.length - 1].step, x0 + 1);
  let lo = Math.min(...pts.map((p) => p.loss));
  let hi = Math.max(...pts.map((p) => p.loss));
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const x = (s: number) => m.left + ((s - x0) / (x1 - x0)) * w;
  const y = (v: number) => m.top + (1 - (v - lo) / (hi - lo)) * h;
  const path = (vals: number[]) => vals.map((v, i) => `${i ? 'L' : 'M'}${x(pts[i].step).toFixed(1)},${y(v).toFixed(1)}`).join('');
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const ticks: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    ticks.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e7eb"/>`);
    ticks.push(`<text x="${m.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v.toPrecision(3)}</text>`);
    const s = Math.round(x0 + ((x1 - x0) * i) / 4);
    ticks.push(`<text x="${x(s).toFixed(1)}" y="${m.top + h + 20}" text-anchor="middle">${s}</text>`);
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" fill="#374151">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${m.left}" y="24" font-size="15" font-weight="bold">${esc(title)}</text>`,
    ...ticks,
    `<path d="${path(pts.map((p) => p.loss))}" fill="none" stroke="#93c5fd" stroke-width="1"/>`,
    `<path d="${path(smooth(pts.map((p) => p.loss), 0.6))}" fill="none" stroke="#1d4ed8" stroke-width="2"/>`,
    `<text x="${m.left + w / 2}" y="${height - 10}" text-anchor="middle">optimizer step</text>`,
    `<text transform="translate(16 ${m.top + h / 2}) rotate(-90)" text-anchor="middle">training loss (raw, smoothed)</text>`,
    '</svg>',
  ].join('\n');
}
