import { useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { DatasetInfo } from '../../core/storage/types.js';
import { auditToCsv, type WindowAuditRow } from '../../core/features/index.js';
import { useInspector } from '../../state/inspector.js';
import { ProgressBar } from '../common/Progress.js';
import { formatCount, plural } from '../format.js';
import { Count } from '../common/Count.js';
import { download } from '../common/download.js';

type Filter = 'problems' | 'no-window' | 'mismatch' | 'partial' | 'rule-differs' | 'all';

const FILTERS: { id: Filter; label: string; test(r: WindowAuditRow): boolean }[] = [
  { id: 'problems', label: 'all problems', test: (r) => r.answerInNoWindow || r.match === false || r.placement === 'partial' },
  { id: 'no-window', label: 'answer in no window', test: (r) => r.answerInNoWindow },
  { id: 'mismatch', label: 'decoded ≠ gold', test: (r) => r.match === false },
  { id: 'partial', label: 'partly inside', test: (r) => r.placement === 'partial' },
  { id: 'rule-differs', label: 'rules differ', test: (r) => r.partialStart !== r.startPosition || r.partialEnd !== r.endPosition },
  { id: 'all', label: 'all windows', test: () => true },
];

export function AuditView({ dataset }: { dataset: DatasetInfo }) {
  const st = useInspector();
  const [filter, setFilter] = useState<Filter>('problems');
  const parent = useRef<HTMLDivElement>(null);
  const rows = useMemo(() => {
    const f = FILTERS.find((x) => x.id === filter)!;
    return st.audit ? st.audit.audit.rows.filter(f.test) : [];
  }, [st.audit, filter]);
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => 32, overscan: 10 });
  const a = st.audit?.audit;

  const exportCsv = () => {
    if (!a) return;
    download(auditToCsv(a), 'text/csv', `${dataset.name.replace(/[^\w.-]+/g, '_')}-alignment-audit.csv`);
  };

  return (
    <section className="card" aria-label="Alignment audit">
      <div className="card-head">
        <h2>Alignment audit</h2>
        <span className="muted small">every window of the dataset: where the answer lies, and whether the label decodes back to the gold text</span>
        <div className="spacer" />
        <button className="btn" disabled={!!st.auditJob} onClick={() => void st.runAudit(dataset.id)}>
          {a ? 'Run again' : 'Run audit'}
        </button>
        <button className="btn" disabled={!a} onClick={exportCsv}>
          Export CSV
        </button>
      </div>
      {st.auditJob ? (
        <div className="row">
          <div className="grow">
            <ProgressBar progress={st.auditJob.progress} />
          </div>
          <button className="btn small" onClick={st.cancel}>
            Cancel
          </button>
        </div>
      ) : null}
      {a ? (
        <>
          <div className="audit-grid" data-testid="audit-totals">
            <Count n={st.audit!.examples} label={plural(st.audit!.examples, 'example')} testId="audit-examples" />
            <Count n={a.counts.inside} label="windows: answer inside" testId="audit-inside" />
            <Count n={a.counts.partial} label="windows: partly inside" testId="audit-partial" />
            <Count n={a.counts.absent} label="windows: answer absent" testId="audit-absent" />
            <Count n={a.examplesWithoutWindow.length} label="examples: answer in no window" testId="audit-no-window" />
            <Count n={a.examplesWithMismatch.length} label="examples: decoded ≠ gold" testId="audit-mismatch" />
          </div>
          <div className="row" style={{ marginBottom: 8 }}>
            <span className="segmented" role="group" aria-label="Audit filter">
              {FILTERS.map((f) => (
                <button key={f.id} className={filter === f.id ? 'on' : ''} onClick={() => setFilter(f.id)}>
                  {f.label}
                </button>
              ))}
            </span>
            <span className="muted small">
              {formatCount(rows.length)} windows · {formatCount(a.counts.partialRuleDiffers)} would be labelled differently by the partial-overlap rule
            </span>
          </div>
          <div className="vlist audit-table" ref={parent} data-testid="audit-rows">
            <div className="audit-row head">
              <span>example</span>
              <span>window</span>
              <span>answer</span>
              <span>gold</span>
              <span>decoded label</span>
              <span>reason</span>
            </div>
            <div style={{ height: v.getTotalSize(), position: 'relative' }}>
              {v.getVirtualItems().map((item) => {
                const r = rows[item.index];
                return (
                  <div
                    key={item.key}
                    className="vrow audit-row"
                    style={{ top: item.start, height: item.size }}
                    onClick={() => {
                      void st.open(dataset.id, { id: r.exampleId });
                      document.querySelector('[aria-label="Feature Inspector"]')?.scrollIntoView({ behavior: 'smooth' });
                    }}
                  >
                    <span className="mono ellipsis">{r.exampleId}</span>
                    <span>{r.windowInExample + 1}</span>
                    <span>{r.answerInNoWindow ? <span className="pill bad">in no window</span> : r.placement}</span>
                    <span className="ellipsis">{r.gold}</span>
                    <span className="ellipsis mono">{r.decoded ?? '—'}</span>
                    <span>{r.reason ?? (r.match ? '✓' : '')}</span>
                  </div>
                );
              })}
            </div>
          </div>
        </>
      ) : st.auditJob ? null : (
        <div className="muted small">Runs over the stored features of the whole dataset.</div>
      )}
    </section>
  );
}
