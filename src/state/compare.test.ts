// Playground links: the QA and sentence-pair setups survive a round trip through the URL, each
// Playground ignores the other's links, and linked models are found by id, then by label.
import { describe, expect, it } from 'vitest';
import { missingNote, resolveLinked } from './compare';
import { decodePairShared, encodePairShared } from './pair-playground';
import { decodeShared, encodeShared } from './playground';

const pair = {
  sentence1: 'Amrozi accused his brother, whom he called "the witness", of deliberately distorting his evidence.',
  sentence2: 'Referring to him as only "the witness", Amrozi accused his brother of deliberately distorting his evidence & lies?',
  runIds: ['pair-a', 'pair-b'],
  runLabels: ['tiny on dev', 'mini on train'],
  source: { datasetName: 'dev', rowId: '0' },
};

describe('pair Playground links', () => {
  it('restore the sentences, the runs and the pair, plain or deflated', () => {
    const short = encodePairShared(pair);
    expect(short).toMatch(/^#\/playground\?t=mrpc&/);
    expect(decodePairShared(short)).toEqual(pair);
    const long = { ...pair, sentence2: 'é “long” '.repeat(400), source: null };
    const hash = encodePairShared(long);
    expect(hash).toContain('z=');
    expect(hash.length).toBeLessThan(800);
    expect(decodePairShared(hash)).toEqual(long);
  });

  it('are not QA links, and QA links are not pair links', () => {
    const qa = encodeShared({ question: 'Who?', context: 'Him.', modelIds: ['m1'], modelLabels: ['bert'], maxLength: 384, stride: 128 });
    expect(decodeShared(qa)).toMatchObject({ question: 'Who?', context: 'Him.', modelIds: ['m1'] });
    expect(decodePairShared(qa)).toBeNull();
    expect(decodeShared(encodePairShared(pair))).toBeNull();
  });

  it('throw on a damaged deflated part', () => {
    expect(() => decodePairShared('#/playground?t=mrpc&z=AAAA')).toThrow();
  });
});

describe('resolveLinked', () => {
  it('finds models by id, then by label, and names the missing ones', () => {
    const here = [
      { id: 'x1', label: 'tiny on dev' },
      { id: 'x2', label: 'other' },
    ];
    const r = resolveLinked(['pair-a', 'x2', 'gone'], ['tiny on dev', 'whatever', 'lost run'], here);
    expect(r.ids).toEqual(['x1', 'x2', null]);
    expect(r.missing).toEqual(['lost run']);
    expect(missingNote(r.missing, 'pair run')).toContain('“lost run”');
    expect(missingNote([], 'model')).toBeNull();
  });
});
