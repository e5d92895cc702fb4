/** Binary units, named as such (KiB, MiB, GiB), so a card never mixes MB and MiB for the same quantity. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "1 article", "2 articles": the word agrees with the number. */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return n === 1 ? word : pluralWord;
}

export function countOf(n: number, word: string, pluralWord?: string): string {
  return `${formatCount(n)} ${plural(n, word, pluralWord)}`;
}

/** One date format everywhere: "30 Nov 2026, 14:05" in the browser's time zone. */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  const date = d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false });
  return `${date}, ${time}`;
}

/** A share in [0, 1] or a score in [0, 100] as a percentage with two decimals. */
export function formatPercent(score100: number): string {
  return `${score100.toFixed(2)}%`;
}
