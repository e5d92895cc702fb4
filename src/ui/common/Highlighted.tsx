import { Fragment } from 'react';

export interface Span {
  /** UTF-16 start and end (exclusive) in the text. */
  start: number;
  end: number;
  className: string;
  title?: string;
}

/** Renders text with marked spans; overlapping spans are split so every character shows its innermost mark. */
export function Highlighted({ text, spans }: { text: string; spans: Span[] }) {
  const cuts = new Set<number>([0, text.length]);
  for (const s of spans) {
    cuts.add(Math.max(0, Math.min(text.length, s.start)));
    cuts.add(Math.max(0, Math.min(text.length, s.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const parts = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const covering = spans.filter((s) => s.start <= a && s.end >= b && s.end > s.start);
    const piece = text.slice(a, b);
    if (!covering.length) parts.push(<Fragment key={a}>{piece}</Fragment>);
    else {
      const top = covering[covering.length - 1];
      parts.push(
        <mark key={a} className={covering.map((c) => c.className).join(' ')} title={top.title}>
          {piece}
        </mark>,
      );
    }
  }
  return <>{parts}</>;
}
