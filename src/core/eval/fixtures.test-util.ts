// A tiny uncased vocabulary and a tiny random BERT for fast eval tests. Letters and digits have
// both word-initial and ## forms, so every Latin word tokenizes (into pieces when not listed).
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll } from 'vitest';
import { BERT_DEFAULTS, type BertConfig, BertForQuestionAnswering } from '../model/index.js';
import type { SquadFile } from '../squad/types.js';
import { type BertTokenizer, tokenizerFromVocab } from '../tokenizer/index.js';

const WORDS = (
  'the a an of and in on at to is was were it its by for from with as that this which what who when where why how many much long ' +
  'lighthouse tower keeper lamp bay river bridge city mill stone built year years metres old first red three two ships reef'
).split(' ');

export const TINY_VOCAB: string[] = [
  '[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]',
  ...'.,?!\'"-():;'.split(''),
  ...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''),
  ...'abcdefghijklmnopqrstuvwxyz0123456789'.split('').map((c) => `##${c}`),
  ...WORDS,
];

export const TINY_VOCAB_TEXT = `${TINY_VOCAB.join('\n')}\n`;

export function tinyTokenizer(): BertTokenizer {
  return tokenizerFromVocab(TINY_VOCAB_TEXT, { lowercase: true });
}

export function tinyConfig(maxPositions = 64): BertConfig {
  return {
    ...BERT_DEFAULTS,
    vocab_size: TINY_VOCAB.length,
    hidden_size: 32,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    intermediate_size: 64,
    max_position_embeddings: maxPositions,
  };
}

export function tinyModel(seed = 3): BertForQuestionAnswering {
  return BertForQuestionAnswering.init(tinyConfig(), seed);
}

/** Long enough that at max_length 48 / stride 8 it needs several windows. */
export const LONG_CONTEXT =
  'The Kestrel lighthouse was built in 1871 on the stone reef at the mouth of the bay. Its tower is 38 metres tall and ' +
  'carries three red bands. The first keeper, Agnes Tolley, kept the lamp for twenty years. Two ships ran aground on the ' +
  'reef before the tower was built, and the city paid for it with a tax on the mill by the river. The old bridge over the ' +
  'river was built of stone from the same quarry in 1890, and café owners in the city still sell postcards of it.';

export const SHORT_CONTEXT = 'The mill on the river was built in 1802 by two brothers from the city.';

/** No character outside the BMP, so UTF-16 indexOf gives the code-point answer_start. */
export const TINY_SQUAD: SquadFile = {
  version: '1.1',
  data: [
    {
      title: 'Tiny',
      paragraphs: [
        {
          context: LONG_CONTEXT,
          qas: [
            { id: 'long-1', question: 'When was the lighthouse built?', answers: [{ text: '1871', answer_start: LONG_CONTEXT.indexOf('1871') }] },
            { id: 'long-2', question: '  How tall is the tower? ', answers: [{ text: '38 metres', answer_start: LONG_CONTEXT.indexOf('38 metres') }] },
            { id: 'long-3', question: 'Who sells postcards?', answers: [{ text: 'café owners', answer_start: LONG_CONTEXT.indexOf('café') }] },
          ],
        },
        {
          context: SHORT_CONTEXT,
          qas: [
            { id: 'short-1', question: 'Who built the mill?', answers: [{ text: 'two brothers', answer_start: SHORT_CONTEXT.indexOf('two brothers') }] },
            { id: 'short-2', question: 'In what year was the mill built?', answers: [{ text: '1802', answer_start: SHORT_CONTEXT.indexOf('1802') }] },
          ],
        },
      ],
    },
  ],
};

/** The tiny model on the cpu backend for one test file: made before its tests, disposed after them. */
export function tinyModelOnCpu(): { readonly model: BertForQuestionAnswering } {
  let model: BertForQuestionAnswering | undefined;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
    model = tinyModel();
  });
  afterAll(() => model?.dispose());
  return {
    get model() {
      if (!model) throw new Error('the tiny model is made in beforeAll: use it inside a test');
      return model;
    },
  };
}
