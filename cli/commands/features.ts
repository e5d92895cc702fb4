// `features`: SQuAD JSON -> one JSON line per window (Hugging Face run_qa layout), offsets in code points.
import { createWriteStream } from 'node:fs';
import { intOption, parseArgs, required } from '../args.js';
import { encodingOption, readTextFile } from '../read-text.js';
import type { TextEncodingName } from '../../src/core/util/text-decode.js';
import { FeatureBuilder, squadParagraphs, type FeatureBatch, type FeatureMode } from '../../src/core/features/index.js';
import type { SquadFile } from '../../src/core/squad/types.js';
import { tokenizerFromFileText } from '../../src/core/tokenizer/index.js';
import { indexMap, type IndexMap } from '../../src/core/util/codepoints.js';

/** Set from --encoding before any file is read. */
let encoding: TextEncodingName | undefined;

function readText(path: string, what: string): Promise<string> {
  return readTextFile(path, what, encoding);
}

function parseSquad(text: string, path: string): SquadFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const data = (json as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new Error(`${path} is not a SQuAD file: expected {"data": [...]}`);
  return json as SquadFile;
}

/** One window as the JSON line the command prints. */
function windowLine(batch: FeatureBatch, w: number, maps: IndexMap[], questionMaps: IndexMap[]): string {
  const L = batch.length;
  const base = w * L;
  const ex = batch.examples[batch.exampleIndex[w]];
  const cMap = maps[ex.contextIndex];
  const qMap = questionMaps[batch.exampleIndex[w]];
  const train = batch.mode === 'train';
  const offsets: string[] = [];
  for (let i = 0; i < L; i++) {
    const s = batch.offsets[2 * (base + i)];
    if (s < 0) offsets.push(train ? '[0,0]' : 'null');
    else {
      const m = batch.sequenceIds[base + i] === 1 ? cMap : qMap;
      offsets.push(`[${m.toCodePoint(s)},${m.toCodePoint(batch.offsets[2 * (base + i) + 1])}]`);
    }
  }
  let line =
    `{"example_id":${JSON.stringify(ex.id)}` +
    `,"input_ids":[${batch.inputIds.subarray(base, base + L).join(',')}]` +
    `,"token_type_ids":[${batch.tokenTypeIds.subarray(base, base + L).join(',')}]` +
    `,"attention_mask":[${batch.attentionMask.subarray(base, base + L).join(',')}]` +
    `,"offset_mapping":[${offsets.join(',')}]`;
  if (train) line += `,"start_position":${batch.startPositions[w]},"end_position":${batch.endPositions[w]}`;
  return line + '}\n';
}

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, ['lowercase', 'cased']);
  encoding = encodingOption(p);
  const dataPath = required(p, 'data');
  const vocabPath = required(p, 'vocab');
  const out = required(p, 'out');
  const mode = (p.values.get('mode') ?? 'train') as FeatureMode;
  if (mode !== 'train' && mode !== 'eval') throw new Error(`--mode must be train or eval, got "${mode}"`);
  if (p.flags.has('lowercase') && p.flags.has('cased')) throw new Error('give either --lowercase or --cased, not both');
  const vocabText = await readText(vocabPath, 'vocabulary');
  const isJson = vocabText.trimStart().startsWith('{');
  if (!isJson && !p.flags.has('lowercase') && !p.flags.has('cased'))
    throw new Error('a vocab.txt does not say whether it is cased: add --lowercase (uncased models) or --cased');
  const lowercase = p.flags.has('lowercase') ? true : p.flags.has('cased') ? false : undefined;
  const tokenizer = tokenizerFromFileText(vocabText, { lowercase });
  const settings = { maxLength: intOption(p, 'max-length', 384), stride: intOption(p, 'stride', 128) };
  const squad = parseSquad(await readText(dataPath, 'data file'), dataPath);

  const builder = new FeatureBuilder(tokenizer, settings, mode);
  for (const para of squadParagraphs(squad)) builder.addParagraph(para);
  const batch = builder.finish();

  const maps = batch.contexts.map((c) => indexMap(c));
  const questionMaps = batch.examples.map((e) => indexMap(e.question));
  const stream = createWriteStream(out);
  const done = new Promise<void>((res, rej) => {
    stream.on('finish', res);
    stream.on('error', rej);
  });
  let chunk = '';
  for (let w = 0; w < batch.count; w++) {
    chunk += windowLine(batch, w, maps, questionMaps);
    if (chunk.length > 1 << 20) {
      if (!stream.write(chunk)) await new Promise((r) => stream.once('drain', r));
      chunk = '';
    }
  }
  stream.end(chunk);
  await done.catch((e: unknown) => {
    throw new Error(`cannot write ${out}: ${e instanceof Error ? e.message : String(e)}`);
  });
  console.log(`${batch.examples.length} examples -> ${batch.count} windows (${mode}, max_length ${settings.maxLength}, stride ${settings.stride}) in ${out}`);
  console.log(JSON.stringify({ examples: batch.examples.length, features: batch.count }));
  return 0;
}
