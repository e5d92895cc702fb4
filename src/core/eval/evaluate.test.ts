import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../squad/metric.js';
import type { SquadFile } from '../squad/types.js';
import { evaluateModel, questionType } from './evaluate.js';
import { TINY_SQUAD, tinyModelOnCpu, tinyTokenizer } from './fixtures.test-util.js';
import { predictDataset } from './predict.js';

const SETTINGS = { maxLength: 48, stride: 8, batchSize: 4 };
const tokenizer = tinyTokenizer();
const tiny = tinyModelOnCpu();

describe('questionType', () => {
  it('takes the lowercased first word, two words for how-quantities, "other" for the rest', () => {
    expect(questionType('What is the capital?')).toBe('what');
    expect(questionType('  WHO built it?')).toBe('who');
    expect(questionType("Who's the keeper?")).toBe('who');
    expect(questionType('How many ships ran aground?')).toBe('how many');
    expect(questionType('how much did it cost')).toBe('how much');
    expect(questionType('How long is the bridge?')).toBe('how long');
    expect(questionType('How did the ships sink?')).toBe('how');
    expect(questionType('"Why" was it built?')).toBe('why');
    expect(questionType('In what year was it built?')).toBe('other');
    expect(questionType('Is the tower red?')).toBe('other');
    expect(questionType('')).toBe('other');
  });
});

describe('evaluateModel', () => {
  it('scores predictions with the official metric, per question and per question type', async () => {
    // Make two predictions right by adding them as gold answers: then EM and F1 are known exactly.
    const first = await predictDataset(tiny.model, tokenizer, TINY_SQUAD, SETTINGS);
    const dataset = structuredClone(TINY_SQUAD) as SquadFile;
    const paras = dataset.data[0].paragraphs;
    for (const [p, q] of [[0, 0], [1, 0]] as const) {
      const qa = paras[p].qas[q];
      const e = first.examples.find((x) => x.id === qa.id)!;
      qa.answers.push({ text: e.text, answer_start: e.start! });
    }

    const before = tf.memory().numTensors;
    const r = await evaluateModel(tiny.model, tokenizer, dataset, SETTINGS);
    expect(tf.memory().numTensors).toBe(before);

    const official = evaluate(dataset, r.prediction.predictions);
    expect(r.exact_match).toBe(official.exact_match);
    expect(r.f1).toBe(official.f1);
    expect(r.total).toBe(5);
    expect(r.exact_match).toBeGreaterThanOrEqual(40);
    expect(r.perQuestion.map((q) => q.id)).toEqual(['long-1', 'long-2', 'long-3', 'short-1', 'short-2']);

    const long1 = r.perQuestion[0];
    expect(long1).toMatchObject({ question: 'When was the lighthouse built?', exact: 1, f1: 1, prediction: first.predictions['long-1'] });
    expect(long1.golds).toEqual(['1871', first.predictions['long-1']]);
    r.perQuestion.forEach((q, i) => {
      const detail = r.prediction.examples[i];
      expect(q.prediction).toBe(detail.text);
      expect(q.score).toBe(detail.score);
      expect(q.probability).toBe(detail.probability);
      expect(q.exact).toBe(official.perQuestion[i].exact);
      expect(q.f1).toBe(official.perQuestion[i].f1);
    });

    const types = Object.fromEntries(r.byQuestionType.map((t) => [t.type, t]));
    expect(Object.keys(types).sort()).toEqual(['how tall', 'other', 'when', 'who']);
    expect(r.byQuestionType[0]).toMatchObject({ type: 'who', count: 2 });
    expect(types.when).toMatchObject({ count: 1, exact_match: 100, f1: 100 });
    expect(types.other.count).toBe(1);
    expect(r.byQuestionType.reduce((s, t) => s + t.count, 0)).toBe(5);
    const whoF1 = (100 * (r.perQuestion[2].f1 + r.perQuestion[3].f1)) / 2;
    expect(types.who.f1).toBeCloseTo(whoF1, 10);
    expect(types.who.exact_match).toBeGreaterThanOrEqual(50);
  });
});
