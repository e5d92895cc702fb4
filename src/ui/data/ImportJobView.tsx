import { useState } from 'react';
import { useStudio } from '../../state/studio.js';
import { JobBanner } from '../common/JobBanner.js';
import { Count } from '../common/Count.js';
import { countOf, formatBytes, formatCount, plural } from '../format.js';
import type { IssueKind } from '../../core/squad/types.js';
import { label as encodingLabel } from '../../core/util/text-decode.js';

const KIND_LABEL: Record<IssueKind, string> = {
  syntax: 'JSON syntax',
  schema: 'schema',
  'answer-mismatch': 'answer mismatch',
  'duplicate-id': 'duplicate id',
  'empty-context': 'empty context',
  'empty-question': 'empty question',
};

export function ImportJobView() {
  const job = useStudio((s) => s.importJob);
  const cancel = useStudio((s) => s.cancelImport);
  const commit = useStudio((s) => s.commitImport);
  const discard = useStudio((s) => s.discardImport);
  const dismiss = useStudio((s) => s.dismissImport);
  const startImport = useStudio((s) => s.startImport);
  const [name, setName] = useState<string | null>(null);
  if (!job) return null;

  if (job.phase === 'reading' || job.phase === 'writing') {
    const progress = job.phase === 'reading' ? job.progress : null;
    return (
      <JobBanner
        testId="import-job"
        title={`${job.phase === 'reading' ? 'Reading and validating' : 'Storing'} ${job.label}`}
        caption={`${progress?.label ?? (job.phase === 'writing' ? 'writing shards to IndexedDB…' : 'starting…')}${progress && progress.total > 0 ? ` · ${formatBytes(progress.done)} of ${formatBytes(progress.total)}` : ''}`}
        progress={job.phase === 'reading' ? job.progress : { done: 1, total: 2 }}
        onCancel={cancel}
      />
    );
  }

  if (job.phase === 'failed') {
    return (
      <div className="job error" data-testid="import-error" role="alert">
        <div className="row">
          <b className="grow">Could not import {job.label}</b>
          <button className="btn small" onClick={dismiss}>
            Dismiss
          </button>
        </div>
        <div className="error-text">{job.message}</div>
        {job.retry ? (
          <div className="row" style={{ marginTop: 6 }}>
            <button className="btn small" onClick={() => job.retry && void startImport(job.retry.source, job.label, job.retry.encoding)}>
              Decode as {encodingLabel(job.retry.encoding)}
            </button>
          </div>
        ) : null}
        <div className="muted small">Nothing was stored; your other datasets are unchanged.</div>
      </div>
    );
  }

  if (job.phase === 'done') {
    return (
      <div className="job ok" data-testid="import-done">
        <div className="row">
          <b className="grow">
            Imported “{job.dataset.name}”: {countOf(job.dataset.questions, 'question')} in {countOf(job.dataset.paragraphs, 'paragraph')}
            {job.skipped > 0 ? `, ${formatCount(job.skipped)} invalid questions skipped` : ''}.
          </b>
          <button className="btn small" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      </div>
    );
  }

  const r = job.staged.report;
  return (
    <div className="job warn" data-testid="import-review">
      <div className="row">
        <b className="grow">
          {job.label}: {formatCount(r.errors)} problem{r.errors === 1 ? '' : 's'} found
        </b>
        <span className="pill">SQuAD v{r.version || '?'}</span>
      </div>
      <div className="counts">
        <Count n={r.articles} label={plural(r.articles, 'article')} />
        <Count n={r.paragraphs} label={plural(r.paragraphs, 'paragraph')} />
        <Count n={r.questions} label={plural(r.questions, 'question')} />
        <Count n={r.answers} label={plural(r.answers, 'answer')} />
        <Count n={r.valid.questions} label="valid questions" />
      </div>
      <div className="row small">
        {Object.entries(r.issueCounts).map(([k, n]) => (
          <span key={k} className="pill bad">
            {KIND_LABEL[k as IssueKind] ?? k}: {formatCount(n ?? 0)}
          </span>
        ))}
      </div>
      <div className="issues" data-testid="issue-list">
        {r.issues.map((i, n) => (
          <div key={n}>
            <span className="kind">{KIND_LABEL[i.kind] ?? i.kind}</span>
            <span>
              <span className="mono">{i.path}</span> {i.message}
            </span>
          </div>
        ))}
      </div>
      <div className="row">
        <input className="input" aria-label="Dataset name" value={name ?? job.staged.suggestedName} onChange={(e) => setName(e.target.value)} />
        <button className="btn primary" disabled={r.valid.questions === 0} onClick={() => void commit(name ?? job.staged.suggestedName)}>
          Import {countOf(r.valid.questions, 'valid question')} only
        </button>
        <button className="btn" onClick={() => void discard()}>
          Abort import
        </button>
      </div>
    </div>
  );
}
