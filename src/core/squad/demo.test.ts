import { describe, expect, it } from 'vitest';
import { DEMO_DATASET } from './demo.js';
import { validateSquadText } from './parse.js';

describe('demo dataset', () => {
  it('has answer_start values equal to the code-point offset of each answer', () => {
    for (const article of DEMO_DATASET.data) {
      for (const p of article.paragraphs) {
        for (const qa of p.qas) {
          for (const a of qa.answers) {
            const u = p.context.indexOf(a.text);
            expect(u, `${qa.id}: "${a.text}" not in its context`).toBeGreaterThanOrEqual(0);
            // Spreading a string iterates code points, as Python indexing does.
            expect(a.answer_start, qa.id).toBe([...p.context.slice(0, u)].length);
          }
        }
      }
    }
  });

  it('validates with no issue and the expected size', () => {
    const r = validateSquadText(JSON.stringify(DEMO_DATASET));
    expect(r.fatal).toBeUndefined();
    expect(r.errors).toBe(0);
    expect(r.version).toBe('1.1');
    expect(r.articles).toBeGreaterThanOrEqual(4);
    expect(r.articles).toBeLessThanOrEqual(6);
    expect(r.paragraphs).toBeGreaterThanOrEqual(8);
    expect(r.paragraphs).toBeLessThanOrEqual(12);
    expect(r.questions).toBeGreaterThanOrEqual(35);
    expect(r.answers).toBeGreaterThanOrEqual(40);
    expect(r.valid).toEqual({ articles: r.articles, paragraphs: r.paragraphs, questions: r.questions, answers: r.answers });
  });

  it('exercises accents and characters outside the BMP before some answers', () => {
    const contexts = DEMO_DATASET.data.flatMap((a) => a.paragraphs.map((p) => p.context));
    expect(contexts.some((c) => /[À-ÿ]/.test(c))).toBe(true);
    const shifted = DEMO_DATASET.data.flatMap((a) =>
      a.paragraphs.flatMap((p) => p.qas.flatMap((q) => q.answers.filter((x) => p.context.indexOf(x.text) !== x.answer_start))),
    );
    expect(shifted.length).toBeGreaterThan(0);
  });

  it('names itself as a demo and uses demo- ids', () => {
    for (const a of DEMO_DATASET.data) expect(a.title).toMatch(/^BERT Studio demo/);
    const ids = DEMO_DATASET.data.flatMap((a) => a.paragraphs.flatMap((p) => p.qas.map((q) => q.id)));
    for (const id of ids) expect(id).toMatch(/^demo-\d{4}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
