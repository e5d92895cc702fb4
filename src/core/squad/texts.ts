import type { SquadArticle } from './types.js';

/** The text a vocabulary is trained on: each distinct context once, then its questions. */
export function* squadTexts(articles: Iterable<SquadArticle>): Generator<string> {
  const contexts = new Set<string>();
  for (const a of articles)
    for (const p of a.paragraphs) {
      if (!contexts.has(p.context)) {
        contexts.add(p.context);
        yield p.context;
      }
      for (const q of p.qas) yield q.question;
    }
}
