import { useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { DatasetInfo, ParagraphRecord, QuestionRow } from '../../core/storage/types.js';
import { dataWorker } from '../../workers/clients.js';
import { Highlighted, type Span } from '../common/Highlighted.js';
import { answerSpanUtf16 } from '../answers.js';
import { formatCount } from '../format.js';

type ListRow = { type: 'header'; paragraph: number; count: number } | { type: 'question'; row: QuestionRow };

export function DatasetBrowser({ dataset }: { dataset: DatasetInfo }) {
  const [article, setArticle] = useState<number | null>(null);
  const [query, setQuery] = useState('');
  const [debounced, setDebounced] = useState('');
  const [rows, setRows] = useState<QuestionRow[] | null>(null);
  const [selected, setSelected] = useState<QuestionRow | null>(null);
  const [paragraph, setParagraph] = useState<ParagraphRecord | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const t = setTimeout(() => setDebounced(query.trim()), 150);
    return () => clearTimeout(t);
  }, [query]);

  useEffect(() => {
    let live = true;
    setRows(null);
    dataWorker()
      .call('questions', { id: dataset.id, query: debounced || undefined, article: debounced ? undefined : (article ?? undefined) })
      .then((r) => live && setRows(r), (e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [dataset.id, article, debounced]);

  useEffect(() => {
    if (!selected) return setParagraph(null);
    let live = true;
    dataWorker()
      .call('paragraph', { id: dataset.id, article: selected.article, paragraph: selected.paragraph })
      .then((p) => live && setParagraph(p), (e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [dataset.id, selected]);

  const listRows = useMemo<ListRow[]>(() => {
    if (!rows) return [];
    if (debounced || article === null) return rows.map((row) => ({ type: 'question', row }));
    const out: ListRow[] = [];
    let last = -1;
    for (const row of rows) {
      if (row.paragraph !== last) {
        out.push({ type: 'header', paragraph: row.paragraph, count: rows.filter((r) => r.paragraph === row.paragraph).length });
        last = row.paragraph;
      }
      out.push({ type: 'question', row });
    }
    return out;
  }, [rows, debounced, article]);

  return (
    <section className="card" aria-label="Browser">
      <div className="card-head">
        <h2>Browse</h2>
        <span className="muted small">articles → paragraphs → questions; answers highlighted in their context</span>
      </div>
      {error ? <div className="error-text small">{error}</div> : null}
      <div className="browser">
        <div className="col">
          <div className="col-head">
            <b>Articles</b>
            <span className="muted">{formatCount(dataset.articles)}</span>
          </div>
          <ArticleList dataset={dataset} selected={article} onSelect={(a) => { setArticle(a); setQuery(''); }} />
        </div>
        <div className="col">
          <div className="col-head">
            <input
              className="input grow"
              placeholder="Search questions by text or id"
              aria-label="Search questions"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
            <span className="muted" data-testid="question-count">
              {rows ? formatCount(rows.length) : '…'}
            </span>
          </div>
          {rows ? <QuestionList rows={listRows} selectedId={selected?.id ?? null} onSelect={setSelected} /> : <div className="empty">{error ? 'Could not read the questions.' : 'Reading questions…'}</div>}
        </div>
        <div className="col">
          {selected && paragraph ? (
            <QuestionDetail dataset={dataset} row={selected} paragraph={paragraph} onSelect={setSelected} />
          ) : (
            <div className="empty">Pick a question to see its context and answers.</div>
          )}
        </div>
      </div>
    </section>
  );
}

function ArticleList({ dataset, selected, onSelect }: { dataset: DatasetInfo; selected: number | null; onSelect(a: number | null): void }) {
  const parent = useRef<HTMLDivElement>(null);
  const items = dataset.titles.length + 1;
  const v = useVirtualizer({ count: items, getScrollElement: () => parent.current, estimateSize: () => 34, overscan: 10 });
  return (
    <div className="vlist" ref={parent} data-testid="article-list">
      <div style={{ height: v.getTotalSize() }}>
        {v.getVirtualItems().map((item) => {
          const a = item.index - 1;
          const isAll = item.index === 0;
          return (
            <div
              key={item.key}
              className={`vrow${(isAll ? selected === null : selected === a) ? ' selected' : ''}`}
              style={{ top: item.start, height: item.size }}
              onClick={() => onSelect(isAll ? null : a)}
            >
              <span className="ellipsis">{isAll ? 'All articles' : dataset.titles[a].replace(/_/g, ' ')}</span>
              <span className="muted small">{isAll ? '' : `${dataset.paragraphsPerArticle[a]} ¶`}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function QuestionList({ rows, selectedId, onSelect }: { rows: ListRow[]; selectedId: string | null; onSelect(r: QuestionRow): void }) {
  const parent = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: (i) => (rows[i].type === 'header' ? 26 : 36), overscan: 12 });
  if (!rows.length) return <div className="empty">No questions match.</div>;
  return (
    <div className="vlist" ref={parent} data-testid="question-list">
      <div style={{ height: v.getTotalSize() }}>
        {v.getVirtualItems().map((item) => {
          const r = rows[item.index];
          if (r.type === 'header')
            return (
              <div key={item.key} className="vrow header" style={{ top: item.start, height: item.size }}>
                Paragraph {r.paragraph + 1} · {r.count} questions
              </div>
            );
          return (
            <div
              key={item.key}
              className={`vrow${r.row.id === selectedId ? ' selected' : ''}`}
              style={{ top: item.start, height: item.size }}
              onClick={() => onSelect(r.row)}
              title={`${r.row.id}: ${r.row.question}`}
              data-qid={r.row.id}
            >
              <span className="ellipsis">{r.row.question}</span>
              {r.row.isImpossible ? <span className="pill">unanswerable</span> : null}
            </div>
          );
        })}
      </div>
    </div>
  );
}

function QuestionDetail({ dataset, row, paragraph, onSelect }: { dataset: DatasetInfo; row: QuestionRow; paragraph: ParagraphRecord; onSelect(r: QuestionRow): void }) {
  const qa = paragraph.qas.find((q) => q.id === row.id);
  const spans: Span[] = [];
  for (const q of paragraph.qas) {
    const strong = q.id === row.id;
    for (const a of q.answers) {
      const s = answerSpanUtf16(paragraph.context, a);
      spans.push({ ...s, className: strong ? 'answer strong' : 'answer', title: q.question });
    }
  }
  // The selected question's answers are drawn last so they win where answers overlap.
  spans.sort((x, y) => Number(x.className.includes('strong')) - Number(y.className.includes('strong')));
  return (
    <>
      <div className="qa-detail" data-testid="question-detail">
        <div className="muted small">
          {dataset.titles[row.article].replace(/_/g, ' ')} · paragraph {row.paragraph + 1} of {dataset.paragraphsPerArticle[row.article]} · <span className="mono">{row.id}</span>
        </div>
        <div className="q">{qa?.question}</div>
        <div className="gold-list">
          {qa?.answers.length ? qa.answers.map((a, i) => <span key={i}>{a.text}</span>) : <span>no answer (unanswerable)</span>}
        </div>
        <div className="row small">
          <span className="muted">Other questions on this paragraph:</span>
          {paragraph.qas
            .filter((q) => q.id !== row.id)
            .slice(0, 6)
            .map((q) => (
              <button key={q.id} className="btn small" title={q.question} onClick={() => onSelect({ ...row, id: q.id, question: q.question, answers: q.answers.length })}>
                {q.question.length > 28 ? `${q.question.slice(0, 26)}…` : q.question}
              </button>
            ))}
        </div>
      </div>
      <div className="context" data-testid="context">
        <Highlighted text={paragraph.context} spans={spans} />
      </div>
    </>
  );
}
