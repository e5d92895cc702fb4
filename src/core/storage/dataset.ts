import type { SquadArticle } from '../squad/types.js';
import { uniformGenerator } from '../util/prng.js';
import { ContentHasher } from '../util/content-hash.js';
import type { DatasetInfo, DatasetSource, Histogram, ParagraphRecord, Shard } from './types.js';

/** Paragraphs per shard: small enough to read one quickly, large enough to keep the record count low. */
export const PARAGRAPHS_PER_SHARD = 250;

const CONTEXT_EDGES = [0, 250, 500, 750, 1000, 1250, 1500, 2000, 2500, 3000, 4000];

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

export function histogram(values: number[], edges: number[]): Histogram {
  const counts = new Array<number>(edges.length).fill(0);
  for (const v of values) {
    let b = edges.length - 1;
    while (b > 0 && v < edges[b]) b--;
    counts[b]++;
  }
  return { edges: [...edges], counts };
}

export interface BuildOptions {
  id: string;
  name: string;
  source: DatasetSource;
  version: string;
  isDemo?: boolean;
  createdAt?: number;
}

/**
 * What featurizing a QA dataset reads (contexts, question ids and texts, answers), in order, as one
 * hash: the dataset's identity in feature-set keys, so a renamed or re-imported copy shares features.
 */
export function paragraphsContentHash(paragraphs: Iterable<Pick<ParagraphRecord, 'context' | 'qas'>>): string {
  const h = new ContentHasher();
  for (const p of paragraphs) {
    h.update(p.context).update(String(p.qas.length));
    for (const q of p.qas) {
      h.update(q.id).update(q.question).update(q.is_impossible ? '1' : '0').update(String(q.answers.length));
      for (const a of q.answers) h.update(a.text).update(String(a.answer_start));
    }
  }
  return h.digest();
}

/** Lays out articles as stored shards plus the dataset record that describes them. */
export function buildDataset(articles: SquadArticle[], opts: BuildOptions): { info: DatasetInfo; shards: Shard[] } {
  const shards: Shard[] = [];
  let current: ParagraphRecord[] = [];
  let questions = 0;
  let answers = 0;
  let bytes = 0;
  let hasImpossible = false;
  const lengths: number[] = [];
  const flush = () => {
    if (current.length) shards.push({ datasetId: opts.id, index: shards.length, paragraphs: current });
    current = [];
  };
  articles.forEach((article, a) => {
    bytes += utf8Length(article.title);
    article.paragraphs.forEach((p, i) => {
      current.push({ article: a, paragraph: i, context: p.context, qas: p.qas });
      lengths.push([...p.context].length);
      bytes += utf8Length(p.context);
      for (const q of p.qas) {
        questions++;
        answers += q.answers.length;
        bytes += utf8Length(q.id) + utf8Length(q.question);
        for (const ans of q.answers) bytes += utf8Length(ans.text) + 4;
        if (q.is_impossible) hasImpossible = true;
      }
      if (current.length >= PARAGRAPHS_PER_SHARD) flush();
    });
  });
  flush();
  const sorted = [...lengths].sort((x, y) => x - y);
  const info: DatasetInfo = {
    id: opts.id,
    contentHash: paragraphsContentHash(shards.flatMap((s) => s.paragraphs)),
    name: opts.name,
    source: opts.source,
    version: opts.version,
    articles: articles.length,
    paragraphs: lengths.length,
    questions,
    answers,
    bytes,
    createdAt: opts.createdAt ?? Date.now(),
    shardCount: shards.length,
    hasImpossible,
    isDemo: opts.isDemo ?? false,
    titles: articles.map((a) => a.title),
    paragraphsPerArticle: articles.map((a) => a.paragraphs.length),
    contextLengths: {
      ...histogram(lengths, CONTEXT_EDGES),
      min: sorted[0] ?? 0,
      median: sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0,
      max: sorted[sorted.length - 1] ?? 0,
    },
  };
  return { info, shards };
}

/** Shard index and position within it of a paragraph, from the dataset's layout. */
export function locateParagraph(info: DatasetInfo, article: number, paragraph: number): { shard: number; offset: number } {
  if (article < 0 || article >= info.articles) throw new Error(`article ${article} is out of range (0..${info.articles - 1})`);
  if (paragraph < 0 || paragraph >= info.paragraphsPerArticle[article])
    throw new Error(`paragraph ${paragraph} is out of range for article ${article}`);
  let flat = paragraph;
  for (let a = 0; a < article; a++) flat += info.paragraphsPerArticle[a];
  return { shard: Math.floor(flat / PARAGRAPHS_PER_SHARD), offset: flat % PARAGRAPHS_PER_SHARD };
}

/** Reassembles articles from shards (for export and for splitting). */
export function articlesFromShards(info: DatasetInfo, shards: Shard[]): SquadArticle[] {
  const articles: SquadArticle[] = info.titles.map((title) => ({ title, paragraphs: [] }));
  for (const s of [...shards].sort((x, y) => x.index - y.index))
    for (const p of s.paragraphs) articles[p.article].paragraphs.push({ context: p.context, qas: p.qas });
  return articles;
}

/** How many of `articles` a split sends to evaluation, or why it cannot be made; the split and its preview both ask here. */
export function splitPlan(articles: number, evalFraction: number): { train: number; eval: number } | { problem: string } {
  if (!(evalFraction > 0 && evalFraction < 1)) return { problem: `the eval share must be between 0 and 1 (exclusive), got ${evalFraction}` };
  if (articles < 2) return { problem: 'a split needs at least 2 articles' };
  const nEval = Math.min(articles - 1, Math.max(1, Math.round(articles * evalFraction)));
  return { train: articles - nEval, eval: nEval };
}

/** Splits articles into train and eval sets by article (never a paragraph on both sides), seeded. */
export function splitByArticle(
  articles: SquadArticle[],
  evalFraction: number,
  seed: number,
): { train: SquadArticle[]; eval: SquadArticle[] } {
  const plan = splitPlan(articles.length, evalFraction);
  if ('problem' in plan) throw new Error(plan.problem);
  const order = articles.map((_, i) => i);
  const rand = uniformGenerator(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const evalSet = new Set(order.slice(0, plan.eval));
  return {
    train: articles.filter((_, i) => !evalSet.has(i)),
    eval: articles.filter((_, i) => evalSet.has(i)),
  };
}
