import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIssue, isValidReport, parseSquad, parseSquadStream, SquadParser, validateSquadText } from './parse.js';
import type { SquadArticle, ValidationReport } from './types.js';

const DEV = '../shared/data/squad/dev-v1.1.json';

interface Q {
  id: string;
  question: string;
  answers: { text: string; answer_start: unknown }[];
  is_impossible?: boolean;
}

function file(contexts: { context: string; qas: Q[] }[][], version = '1.1'): string {
  return JSON.stringify({ version, data: contexts.map((paragraphs, i) => ({ title: `T${i}`, paragraphs })) });
}

const GOOD = file([
  [
    {
      context: 'Paris is the capital of France.',
      qas: [
        { id: 'q1', question: 'What is the capital of France?', answers: [{ text: 'Paris', answer_start: 0 }] },
        { id: 'q2', question: 'Paris is the capital of what?', answers: [{ text: 'France', answer_start: 24 }, { text: 'France.', answer_start: 24 }] },
      ],
    },
  ],
  [{ context: 'Water boils at 100 degrees.', qas: [{ id: 'q3', question: 'At what temperature?', answers: [{ text: '100 degrees', answer_start: 15 }] }] }],
]);

/** Feeds `text` in chunks of `size` and returns the report plus the emitted articles. */
function feed(text: string, size: number): { report: ValidationReport; articles: [number, SquadArticle][] } {
  const articles: [number, SquadArticle][] = [];
  const p = new SquadParser({ onArticle: (a, i) => articles.push([i, a]) });
  for (let i = 0; i < text.length; i += size) if (!p.push(text.slice(i, i + size))) break;
  return { report: p.end(), articles };
}

describe('SquadParser on valid input', () => {
  it('counts, emits each article as it closes and reports no issue', () => {
    const emitted: number[] = [];
    const p = new SquadParser({ onArticle: (_a, i) => emitted.push(i) });
    const cut = GOOD.indexOf('{"title": "T1"'.replace(': ', ':'));
    expect(cut).toBeGreaterThan(0);
    p.push(GOOD.slice(0, cut));
    // The first article is complete before the second one has started.
    expect(emitted).toEqual([0]);
    p.push(GOOD.slice(cut));
    const r = p.end();
    expect(emitted).toEqual([0, 1]);
    expect(r).toMatchObject({ version: '1.1', articles: 2, paragraphs: 2, questions: 3, answers: 4, errors: 0, issues: [] });
    expect(r.valid).toEqual({ articles: 2, paragraphs: 2, questions: 3, answers: 4 });
    expect(r.fatal).toBeUndefined();
    expect(isValidReport(r)).toBe(true);
  });

  it('returns the cleaned file from parseSquad', () => {
    const { data, report } = parseSquad(GOOD);
    expect(report.errors).toBe(0);
    expect(data).toEqual(JSON.parse(GOOD));
  });

  it('reads the official dev set: 48 / 2,067 / 10,570 / 34,726 with no issue, streamed in 4 KiB chunks', () => {
    const text = readFileSync(DEV, 'utf8');
    const { report, articles } = feed(text, 4096);
    expect(report).toMatchObject({ version: '1.1', articles: 48, paragraphs: 2067, questions: 10570, answers: 34726, errors: 0 });
    expect(report.valid).toEqual({ articles: 48, paragraphs: 2067, questions: 10570, answers: 34726 });
    expect(articles.length).toBe(48);
    expect(articles.map(([, a]) => a)).toEqual(JSON.parse(text).data);
    expect(report.hasImpossible).toBe(false);
  });

  it('accepts a leading byte-order mark and whitespace anywhere', () => {
    const r = validateSquadText(`\ufeff \n${JSON.stringify(JSON.parse(GOOD), null, 2)}\n`);
    expect(r.errors).toBe(0);
    expect(r.questions).toBe(3);
  });

  it('streams from an async iterable and reports progress', async () => {
    async function* chunks() {
      for (let i = 0; i < GOOD.length; i += 10) yield GOOD.slice(i, i + 10);
    }
    const seen: number[] = [];
    const r = await parseSquadStream(chunks(), { onProgress: (p) => seen.push(p.chars) });
    expect(r.errors).toBe(0);
    expect(seen[seen.length - 1]).toBe(GOOD.length);
  });
});

describe('fatal errors', () => {
  it('reports a truncated file with its position', () => {
    const text = GOOD.slice(0, 100);
    const r = validateSquadText(text);
    expect(r.fatal?.message).toMatch(/unexpected end of input/);
    expect(r.fatal).toMatchObject({ offset: 100, line: 1, column: 101 });
    expect(r.fatal?.message).toContain('line 1, column 101 (offset 100)');
    expect(r.fatal?.path).toMatch(/^data\[0\]\.paragraphs\[0\]/);
    expect(isValidReport(r)).toBe(false);
  });

  it('reports empty input', () => {
    for (const text of ['', '  \n\t ']) {
      const r = validateSquadText(text);
      expect(r.fatal?.message).toMatch(/^empty input/);
      expect(r.articles).toBe(0);
    }
    expect(new SquadParser().end().fatal?.message).toMatch(/^empty input/);
  });

  it('reports text that is not JSON', () => {
    const r = validateSquadText('hello');
    expect(r.fatal?.message).toMatch(/^not JSON: unexpected 'h'/);
    expect(r.fatal).toMatchObject({ offset: 0, line: 1, column: 1 });
  });

  it('reports a top level that is not a SQuAD object', () => {
    expect(validateSquadText('[1, 2]').fatal?.message).toMatch(/top level is not a SQuAD object.*got an array/);
    expect(validateSquadText('{"version": "1.1", "data": {}}').fatal?.message).toMatch(/"data" must be an array of articles, got an object/);
    const noData = validateSquadText('{"version": "1.1"}');
    expect(noData.fatal?.message).toMatch(/has no "data" array/);
    expect(noData.fatal?.offset).toBe(17);
  });

  it('locates syntax errors by line and column', () => {
    const text = '{\n  "version": "1.1",\n  "data": [,]\n}';
    const r = validateSquadText(text);
    expect(r.fatal).toMatchObject({ line: 3, column: 12, offset: text.indexOf(',]') });
    expect(r.fatal?.message).toMatch(/unexpected ','/);
  });

  it('rejects JSON syntax errors inside strings and values', () => {
    const cases: [string, RegExp][] = [
      ['{"version": "1\\x", "data": []}', /invalid escape "\\x"/],
      ['{"version": "1\\u12G4", "data": []}', /invalid \\u escape/],
      ['{"version": "a\nb", "data": []}', /unescaped control character U\+000A/],
      ['{"version": 01, "data": []}', /invalid number "01"/],
      ['{"version": tru, "data": []}', /unexpected word "tru"/],
      ['{"version": "1.1", "data": [],}', /expected a quoted property name after ','/],
      ['{"version": "1.1" "data": []}', /expected ',' or '}'/],
      ['{"version": "1.1", "data": []} x', /after the end of the top-level object/],
      ['{"version": "1.1", "data": [], "data": []}', /"data" twice/],
    ];
    for (const [text, re] of cases) expect(validateSquadText(text).fatal?.message, text).toMatch(re);
  });

  it('gives byte offsets in UTF-8', () => {
    const text = '{"version": "é😀", "data": [}';
    const r = validateSquadText(text);
    expect(r.fatal?.offset).toBe(text.indexOf('}'));
    // é is 2 bytes (1 unit), the emoji 4 bytes (2 units).
    expect(r.fatal?.byteOffset).toBe(text.indexOf('}') + 1 + 2);
  });

  it('stops accepting input after a fatal error', () => {
    const p = new SquadParser();
    expect(p.push('[')).toBe(false);
    expect(p.push('{}')).toBe(false);
    expect(p.end().fatal?.offset).toBe(0);
  });
});

describe('validation issues', () => {
  it('reports schema errors with their JSON path and drops the question', () => {
    const text = file([
      [
        {
          context: 'Paris is the capital of France.',
          qas: [
            { id: 'a', question: 'Capital?', answers: [{ text: 'Paris', answer_start: '0' }] },
            { id: 'b', question: 'Country?', answers: [{ text: 'France', answer_start: 24 }] },
          ],
        },
      ],
    ]);
    const articles: SquadArticle[] = [];
    const p = new SquadParser({ onArticle: (a) => articles.push(a) });
    p.push(text);
    const r = p.end();
    expect(r.errors).toBe(1);
    expect(r.issueCounts).toEqual({ schema: 1 });
    expect(formatIssue(r.issues[0])).toBe('data[0].paragraphs[0].qas[0].answers[0].answer_start: expected a non-negative integer, got "0"');
    expect(r.questions).toBe(2);
    expect(r.valid).toEqual({ articles: 1, paragraphs: 1, questions: 1, answers: 1 });
    expect(articles[0].paragraphs[0].qas.map((q) => q.id)).toEqual(['b']);
  });

  it('checks every field of the schema', () => {
    const text = JSON.stringify({
      data: [
        5,
        { title: 7, paragraphs: 'x' },
        {
          title: 'ok',
          paragraphs: [
            null,
            { context: 3, qas: [] },
            { context: 'c', qas: {} },
            {
              context: 'abc',
              qas: [
                7,
                { id: '', question: 'q?', answers: [{ text: 'a', answer_start: 0 }] },
                { id: 'x1', question: 5, answers: [{ text: 'a', answer_start: 0 }] },
                { id: 'x2', question: 'q?', answers: 'a' },
                { id: 'x3', question: 'q?', answers: [] },
                { id: 'x4', question: 'q?', answers: [{ text: '', answer_start: -1 }] },
                { id: 'x5', question: 'q?', answers: [{ text: 'a', answer_start: 1.5 }, 'a'] },
                { id: 'x6', question: 'q?', is_impossible: 'no', answers: [{ text: 'a', answer_start: 0 }] },
              ],
            },
          ],
        },
      ],
    });
    const r = validateSquadText(text);
    const lines = r.issues.map(formatIssue);
    expect(lines).toEqual([
      'data[0]: expected an article object, got 5',
      'data[1].title: expected a string, got 7',
      'data[1].paragraphs: expected an array of paragraphs, got "x"',
      'data[2].paragraphs[0]: expected a paragraph object, got null',
      'data[2].paragraphs[1].context: expected a string, got 3',
      'data[2].paragraphs[2].qas: expected an array of questions, got an object',
      'data[2].paragraphs[3].qas[0]: expected a question object, got 7',
      'data[2].paragraphs[3].qas[1].id: expected a non-empty string, got ""',
      'data[2].paragraphs[3].qas[2].question: expected a string, got 5',
      'data[2].paragraphs[3].qas[3].answers: expected an array of answers, got "a"',
      'data[2].paragraphs[3].qas[4].answers: expected at least one answer (only is_impossible questions may have none)',
      'data[2].paragraphs[3].qas[5].answers[0].text: expected a non-empty string, got ""',
      'data[2].paragraphs[3].qas[5].answers[0].answer_start: expected a non-negative integer, got -1',
      'data[2].paragraphs[3].qas[6].answers[0].answer_start: expected a non-negative integer, got 1.5',
      'data[2].paragraphs[3].qas[6].answers[1]: expected an answer object, got "a"',
      'data[2].paragraphs[3].qas[7].is_impossible: expected true or false, got "no"',
      'version: expected a string, got nothing (missing)',
    ]);
    expect(r.errors).toBe(lines.length);
    expect(r.valid).toEqual({ articles: 0, paragraphs: 0, questions: 0, answers: 0 });
    expect(r.articles).toBe(3);
    expect(r.paragraphs).toBe(4);
  });

  it('reports answers that do not match the context at answer_start', () => {
    const r = validateSquadText(
      file([[{ context: 'Paris is the capital of France.', qas: [{ id: 'a', question: 'Capital?', answers: [{ text: 'Paris', answer_start: 1 }, { text: 'x', answer_start: 99 }] }] }]]),
    );
    expect(r.issueCounts).toEqual({ 'answer-mismatch': 2 });
    expect(r.issues[0].path).toBe('data[0].paragraphs[0].qas[0].answers[0]');
    expect(r.issues[0].message).toBe('answer text "Paris" does not match the context at answer_start 1 (code points), which reads "aris "');
    expect(r.issues[1].message).toBe('answer_start 99 is past the end of the context (31 code points)');
    expect(r.valid.questions).toBe(0);
  });

  it('counts answer_start in code points when the context has characters outside the BMP', () => {
    const context = 'I 😀 love Paris and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 café.';
    const cp = (s: string) => [...context.slice(0, context.indexOf(s))].length;
    expect(cp('Paris')).toBe(context.indexOf('Paris') - 1);
    const ok = validateSquadText(
      file([[{ context, qas: [{ id: 'a', question: 'Where?', answers: [{ text: 'Paris', answer_start: cp('Paris') }, { text: 'café', answer_start: cp('café') }, { text: '😀', answer_start: 2 }] }] }]]),
    );
    expect(ok.errors).toBe(0);
    const utf16 = validateSquadText(
      file([[{ context, qas: [{ id: 'a', question: 'Where?', answers: [{ text: 'Paris', answer_start: context.indexOf('Paris') }] }] }]]),
    );
    expect(utf16.issueCounts).toEqual({ 'answer-mismatch': 1 });
  });

  it('reports duplicate ids, naming the first use', () => {
    const qa = (id: string) => ({ id, question: 'Capital?', answers: [{ text: 'Paris', answer_start: 0 }] });
    const r = validateSquadText(file([[{ context: 'Paris.', qas: [qa('a'), qa('b')] }], [{ context: 'Paris.', qas: [qa('a')] }]]));
    expect(r.issues).toEqual([{ kind: 'duplicate-id', path: 'data[1].paragraphs[0].qas[0].id', message: 'id "a" is already used by data[0].paragraphs[0].qas[0]' }]);
    expect(r.valid).toEqual({ articles: 1, paragraphs: 1, questions: 2, answers: 2 });
  });

  it('reports empty and whitespace-only contexts and questions (Python whitespace)', () => {
    const qa = (id: string, question: string) => ({ id, question, answers: [{ text: 'P', answer_start: 0 }] });
    const r = validateSquadText(
      file([
        [
          { context: '', qas: [qa('a', 'Q?')] },
          { context: ' \u3000\x1c\x85\n', qas: [qa('b', 'Q?')] },
          { context: 'P', qas: [qa('c', ''), qa('d', '\u00a0\t'), qa('e', '\ufeff')] },
        ],
      ]),
    );
    expect(r.issues.map((i) => `${i.kind} ${i.path}`)).toEqual([
      'empty-context data[0].paragraphs[0].context',
      'empty-context data[0].paragraphs[1].context',
      'empty-question data[0].paragraphs[2].qas[0].question',
      'empty-question data[0].paragraphs[2].qas[1].question',
    ]);
    // U+FEFF is JS whitespace but not Python's, so that question is kept.
    expect(r.valid).toEqual({ articles: 1, paragraphs: 1, questions: 1, answers: 1 });
  });

  it('allows empty answers only for is_impossible questions (v2.0)', () => {
    const r = validateSquadText(
      file(
        [
          [
            {
              context: 'Paris.',
              qas: [
                { id: 'a', question: 'Q?', is_impossible: true, answers: [] },
                { id: 'b', question: 'Q?', is_impossible: false, answers: [] },
                { id: 'c', question: 'Q?', is_impossible: false, answers: [{ text: 'Paris', answer_start: 0 }] },
              ],
            },
          ],
        ],
        'v2.0',
      ),
    );
    expect(r.version).toBe('v2.0');
    expect(r.hasImpossible).toBe(true);
    expect(r.issues.map((i) => i.path)).toEqual(['data[0].paragraphs[0].qas[1].answers']);
    const { data } = parseSquad(JSON.stringify({ version: 'v2.0', data: [{ title: 't', paragraphs: [{ context: 'Paris.', qas: [{ id: 'a', question: 'Q?', is_impossible: true, answers: [] }] }] }] }));
    expect(data?.data[0].paragraphs[0].qas[0]).toEqual({ id: 'a', question: 'Q?', is_impossible: true, answers: [] });
  });

  it('keeps the first issues only but counts all of them', () => {
    const qas = Array.from({ length: 250 }, (_, i) => ({ id: `q${i}`, question: 'Q?', answers: [{ text: 'nope', answer_start: 0 }] }));
    const r = validateSquadText(file([[{ context: 'Paris.', qas }]]));
    expect(r.issues.length).toBe(200);
    expect(r.errors).toBe(250);
    expect(r.issueCounts['answer-mismatch']).toBe(250);
    expect(validateSquadText(file([[{ context: 'Paris.', qas }]]), { maxIssues: 3 }).issues.length).toBe(3);
  });
});

describe('chunk boundaries', () => {
  // Escapes of every kind, an escaped and a raw surrogate pair, accents and newlines between tokens.
  const context = 'Caf\u00e9 "Ros\u00e9" \\ path/to 😀 tab\there and 𝔘 end.';
  const text =
    '{"version": "1.1",\n "data": [{"title": "Esc\\u00e9 \\ud83d\\ude00 \\"q\\" \\\\ \\/ \\b\\f\\n\\r\\t", "paragraphs": [' +
    JSON.stringify({
      context,
      qas: [
        { id: 'a1', question: 'What?', answers: [{ text: '😀', answer_start: [...context.slice(0, context.indexOf('😀'))].length }] },
        { id: 'a2', question: 'End?', answers: [{ text: 'end', answer_start: [...context.slice(0, context.indexOf('end'))].length }], is_impossible: false },
        { id: 'a3', question: 'Bad?', answers: [{ text: 'end', answer_start: 1e1 }] },
      ],
    }) +
    ']}, {"title": "t2", "paragraphs": [], "extra": [1, -2.5e-3, true, false, null, {"k": []}]}]}\n';

  it('parses the reference text as JSON.parse does', () => {
    const whole = feed(text, text.length);
    expect(whole.report.fatal).toBeUndefined();
    expect(whole.report.errors).toBe(1);
    expect(whole.articles[0][1].title).toBe(JSON.parse(text).data[0].title);
    expect(whole.articles[0][1].paragraphs[0].context).toBe(context);
  });

  it('gives identical results for chunks of 1, 7, 4096 and every two-way split', () => {
    const ref = JSON.stringify(feed(text, text.length));
    for (const size of [1, 2, 3, 7, 4096]) expect(JSON.stringify(feed(text, size)), `size ${size}`).toBe(ref);
    for (let cut = 1; cut < text.length; cut++) {
      const p = new SquadParser();
      p.push(text.slice(0, cut));
      p.push(text.slice(cut));
      expect(JSON.stringify(p.end()), `cut ${cut}`).toBe(JSON.stringify(feed(text, text.length).report));
    }
  });

  it('gives identical fatal positions whatever the chunking', () => {
    const bad = text.replace('"End?"', '"End?" :');
    const ref = feed(bad, bad.length).report.fatal;
    expect(ref?.line).toBe(2);
    for (const size of [1, 7, 4096]) expect(feed(bad, size).report.fatal).toEqual(ref);
  });

  it('handles a surrogate pair split between chunks and empty chunks', () => {
    const t = file([[{ context: 'x😀y', qas: [{ id: 'a', question: 'Q?', answers: [{ text: 'y', answer_start: 2 }] }] }]]);
    const at = t.indexOf('😀') + 1;
    const p = new SquadParser();
    for (const c of [t.slice(0, at), '', t.slice(at)]) p.push(c);
    const r = p.end();
    expect(r.errors).toBe(0);
    expect(r.fatal).toBeUndefined();
  });
});
