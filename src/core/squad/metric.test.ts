import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate, exactMatchScore, f1Score, normalizeAnswer, pythonSplit, scoreQuestion } from './metric.js';
import { parseSquad } from './parse.js';
import type { SquadFile } from './types.js';

const SQUAD = '../shared/data/squad';

describe('normalizeAnswer (official v1.1 semantics)', () => {
  // Expected values were produced by Python 3 running the official normalisation steps.
  const cases: [string, string][] = [
    ['The Cat!', 'cat'],
    ['An apple, a pear and THE plum.', 'apple pear and plum'],
    // Python's \b is Unicode-aware: é is a word character, so "a" after it is not a word.
    ['éa b', 'éa b'],
    ['théâtre the', 'théâtre'],
    ['naïve the end', 'naïve end'],
    ['ïthe', 'ïthe'],
    ['theéa', 'theéa'],
    ['the½', 'the½'],
    ['Ⅻthe', 'ⅻthe'],
    ['the٣', 'the٣'],
    ['1the2', '1the2'],
    // Combining marks (Mn, Mc) are not word characters in Python.
    ['the\u0301 x', '\u0301 x'],
    ['the\u0903', '\u0903'],
    ['the\u0e33', 'the\u0e33'],
    // Only ASCII punctuation is removed; the underscore goes before articles are looked for.
    ['«hello» l’avion', '«hello» l’avion'],
    ['A_the_b', 'atheb'],
    ['the-end', 'theend'],
    // Python's whitespace: \x1c-\x1f and \x85 split, U+FEFF and U+200B do not.
    ['x\x1cy', 'x y'],
    ['x\x85y', 'x y'],
    ['x\u3000y', 'x y'],
    ['\u00a0the\u2009an\u202fb ', 'b'],
    ['x\ufeffy', 'x\ufeffy'],
    ['x\u200by', 'x\u200by'],
    ['ΣΑΣ the', 'σας'],
    ['İstanbul', 'i\u0307stanbul'],
    ['', ''],
  ];
  it.each(cases)('%j -> %j', (input, expected) => {
    expect(normalizeAnswer(input)).toBe(expected);
  });

  it('splits like str.split()', () => {
    expect(pythonSplit('  a \x1f b\u3000 ')).toEqual(['a', 'b']);
    expect(pythonSplit('')).toEqual([]);
    expect(pythonSplit(' \t ')).toEqual([]);
    expect(pythonSplit('a\ufeffb')).toEqual(['a\ufeffb']);
  });
});

describe('EM and F1', () => {
  it('scores exact match on normalised strings', () => {
    expect(exactMatchScore('the Eiffel Tower.', 'Eiffel tower')).toBe(1);
    expect(exactMatchScore('Eiffel', 'Eiffel tower')).toBe(0);
  });

  it('uses multiset overlap for F1', () => {
    expect(f1Score('cat cat dog', 'cat dog dog')).toBeCloseTo(2 / 3, 12);
    expect(f1Score('cat cat cat', 'cat')).toBeCloseTo(0.5, 12);
    expect(f1Score('Eiffel', 'Eiffel tower')).toBeCloseTo(2 / 3, 12);
    expect(f1Score('x', 'y')).toBe(0);
  });

  it('gives F1 0 when both sides normalise to nothing, as v1.1 does', () => {
    expect(exactMatchScore('the', 'a')).toBe(1);
    expect(f1Score('the', 'a')).toBe(0);
  });

  it('takes the max over gold answers', () => {
    const s = scoreQuestion('Denver Broncos', ['Broncos', 'Denver Broncos', 'the Broncos']);
    expect(s).toEqual({ exact: 1, f1: 1, bestGold: 'Denver Broncos' });
    expect(scoreQuestion('', [])).toEqual({ exact: 1, f1: 1, bestGold: '' });
    expect(scoreQuestion('x', []).exact).toBe(0);
  });
});

describe('evaluate', () => {
  const dataset: SquadFile = {
    version: '1.1',
    data: [
      {
        title: 't',
        paragraphs: [
          {
            context: 'ignored',
            qas: [
              { id: 'a', question: 'q', answers: [{ text: 'Paris', answer_start: 0 }] },
              { id: 'constructor', question: 'q', answers: [{ text: 'blue sky', answer_start: 0 }] },
              { id: 'c', question: 'q', answers: [{ text: 'ten', answer_start: 0 }] },
            ],
          },
        ],
      },
    ],
  };

  it('averages over all questions, unanswered ones scoring 0', () => {
    const r = evaluate(dataset, { a: 'paris', constructor: 'sky', zzz: 'extra' });
    expect(r.total).toBe(3);
    expect(r.answered).toBe(2);
    expect(r.missing).toBe(1);
    expect(r.extra).toBe(1);
    expect(r.exact_match).toBeCloseTo(100 / 3, 10);
    expect(r.f1).toBeCloseTo((100 * (1 + 2 / 3)) / 3, 10);
    expect(r.perQuestion.map((q) => [q.id, q.exact, q.answered])).toEqual([
      ['a', 1, true],
      ['constructor', 0, true],
      ['c', 0, false],
    ]);
  });

  it('does not read Object.prototype members as predictions', () => {
    const r = evaluate(dataset, {});
    expect(r.answered).toBe(0);
    expect(r.perQuestion[1].prediction).toBeNull();
  });

  it('reproduces the leaderboard scores on dev v1.1', () => {
    const { data } = parseSquad(readFileSync(`${SQUAD}/dev-v1.1.json`, 'utf8'));
    expect(data).not.toBeNull();
    const score = (f: string) => evaluate(data as SquadFile, JSON.parse(readFileSync(`${SQUAD}/predictions/${f}`, 'utf8')));
    const bert = score('dev-v1.1.bert-ensemble-google.json');
    expect(bert.exact_match.toFixed(4)).toBe('86.2062');
    expect(bert.f1.toFixed(4)).toBe('92.1956');
    expect(bert).toMatchObject({ total: 10570, answered: 10570, missing: 0, extra: 0 });
    const lr = score('dev-v1.1.logistic-regression-baseline.json');
    expect(lr.exact_match.toFixed(4)).toBe('40.1419');
    expect(lr.f1.toFixed(4)).toBe('50.9815');
    expect(lr).toMatchObject({ total: 10570, answered: 10557, missing: 13, extra: 28 });
  });
});
