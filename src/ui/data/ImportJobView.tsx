import { useState, type ReactNode } from 'react';
import { useStudio } from '../../state/studio.js';
import { usePairs, type DataKind } from '../../state/pairs.js';
import { JobBanner } from '../common/JobBanner.js';
import { Count } from '../common/Count.js';
import { countOf, formatBytes, formatCount, plural } from '../format.js';
import type { Progress } from '../../workers/protocol.js';
import type { IssueKind } from '../../core/squad/types.js';
import type { PairIssueKind } from '../../core/tasks/mrpc/types.js';
import { label as encodingLabel, type TextEncodingName } from '../../core/util/text-decode.js';
import { FORMAT_LABEL, TASK_LABEL } from './tasks.js';

const SQUAD_ISSUE: Record<IssueKind, string> = {
  syntax: 'JSON syntax',
  schema: 'schema',
  'answer-mismatch': 'answer mismatch',
  'duplicate-id': 'duplicate id',
  'empty-context': 'empty context',
  'empty-question': 'empty question',
};

const PAIR_ISSUE: Record<PairIssueKind, string> = {
  'missing-column': 'missing column',
  'extra-column': 'extra column',
  'bad-label': 'bad label',
  'empty-sentence': 'empty sentence',
  'duplicate-id': 'duplicate pair id',
  syntax: 'syntax',
};

/** What a file's review shows before anything is stored, the same for both tasks. */
interface Review {
  format: string;
  counts: { n: number; label: string }[];
  issueCounts: { label: string; n: number }[];
  /** Each problem with its place in the file (a JSON path, or line, row and column). */
  issues: { kind: string; where?: string; message: string }[];
  problems: number;
  valid: number;
  validNoun: string;
  suggestedName: string;
}

type BannerJob =
  | { phase: 'reading'; label: string; progress: Progress | null }
  | { phase: 'writing'; label: string; progress: null }
  | { phase: 'failed'; label: string; message: string; retryEncoding?: TextEncodingName }
  | { phase: 'done'; label: string; summary: ReactNode }
  | { phase: 'review'; label: string; review: Review };

/** The banner of an import that is reading, writing or has failed, which both kinds show alike. */
function jobInFlight(
  job:
    | { phase: 'reading'; label: string; progress: Progress | null }
    | { phase: 'writing'; label: string }
    | { phase: 'failed'; label: string; message: string; retry?: { encoding: TextEncodingName } },
): BannerJob {
  if (job.phase === 'reading') return { phase: 'reading', label: job.label, progress: job.progress };
  if (job.phase === 'writing') return { phase: 'writing', label: job.label, progress: null };
  return { phase: 'failed', label: job.label, message: job.message, retryEncoding: job.retry?.encoding };
}

interface BannerActions {
  cancel(): void;
  dismiss(): void;
  retry(): void;
  commit(name: string): void;
  discard(): void;
}

/** An import's progress, failure, review or result, the same for both tasks. */
function ImportBanner({ kind, job, actions, writing }: { kind: DataKind; job: BannerJob; actions: BannerActions; writing: string }) {
  const [name, setName] = useState<string | null>(null);
  if (job.phase === 'reading' || job.phase === 'writing') {
    const p = job.phase === 'reading' ? job.progress : null;
    return (
      <JobBanner
        testId="import-job"
        title={`${job.phase === 'reading' ? 'Reading and validating' : 'Storing'} ${job.label}`}
        caption={`${p?.label ?? (job.phase === 'writing' ? writing : 'starting…')}${p && p.total > 0 ? ` · ${formatBytes(p.done)} of ${formatBytes(p.total)}` : ''}`}
        progress={job.phase === 'reading' ? job.progress : { done: 1, total: 2 }}
        onCancel={actions.cancel}
      />
    );
  }
  if (job.phase === 'failed') {
    return (
      <div className="job error" data-testid="import-error" data-task={kind} role="alert">
        <div className="row">
          <b className="grow">Could not import {job.label}</b>
          <span className="pill">{TASK_LABEL[kind]}</span>
          <button className="btn small" onClick={actions.dismiss}>
            Dismiss
          </button>
        </div>
        <div className="error-text">{job.message}</div>
        {job.retryEncoding ? (
          <div className="row">
            <button className="btn small" onClick={actions.retry}>
              Decode as {encodingLabel(job.retryEncoding)}
            </button>
          </div>
        ) : null}
        <div className="muted small">Nothing was stored; your other datasets are unchanged.</div>
      </div>
    );
  }
  if (job.phase === 'done') {
    return (
      <div className="job ok" data-testid="import-done" data-task={kind}>
        <div className="row">
          <b className="grow">{job.summary}</b>
          <span className="pill">{TASK_LABEL[kind]}</span>
          <button className="btn small" onClick={actions.dismiss}>
            Dismiss
          </button>
        </div>
      </div>
    );
  }
  const r = job.review;
  const chosen = name ?? r.suggestedName;
  return (
    <div className="job warn" data-testid="import-review" data-task={kind}>
      <div className="row">
        <b className="grow">
          {job.label}: {countOf(r.problems, 'problem')} found
        </b>
        <span className="pill">{TASK_LABEL[kind]}</span>
        <span className="pill">{r.format}</span>
      </div>
      <div className="counts">
        {r.counts.map((c) => (
          <Count key={c.label} n={c.n} label={c.label} />
        ))}
      </div>
      <div className="row small">
        {r.issueCounts.map((c) => (
          <span key={c.label} className="pill bad">
            {c.label}: {formatCount(c.n)}
          </span>
        ))}
      </div>
      <div className="issues" data-testid="issue-list">
        {r.issues.map((i, n) => (
          <div key={n}>
            <span className="kind">{i.kind}</span>
            <span>
              {i.where ? <span className="mono">{i.where}</span> : null} {i.message}
            </span>
          </div>
        ))}
      </div>
      {r.issues.length < r.problems ? <div className="muted small">The first {formatCount(r.issues.length)} problems are listed.</div> : null}
      <div className="row">
        <input className="input" aria-label="Dataset name" value={chosen} onChange={(e) => setName(e.target.value)} />
        <button className="btn primary" disabled={r.valid === 0} onClick={() => actions.commit(chosen)}>
          Import {countOf(r.valid, r.validNoun)} only
        </button>
        <button className="btn" onClick={actions.discard}>
          Abort import
        </button>
      </div>
    </div>
  );
}

function QaImportJob() {
  const job = useStudio((s) => s.importJob);
  const st = useStudio.getState();
  if (!job) return null;
  const actions: BannerActions = {
    cancel: st.cancelImport,
    dismiss: st.dismissImport,
    retry: () => job.phase === 'failed' && job.retry && void st.startImport(job.retry.source, job.label, job.retry.encoding),
    commit: (name) => void st.commitImport(name),
    discard: () => void st.discardImport(),
  };
  let view: BannerJob;
  if (job.phase === 'done') {
    const d = job.dataset;
    view = {
      phase: 'done',
      label: job.label,
      summary: `Imported “${d.name}”: ${countOf(d.questions, 'question')} in ${countOf(d.paragraphs, 'paragraph')}${job.skipped > 0 ? `, ${countOf(job.skipped, 'invalid question')} skipped` : ''}.`,
    };
  } else if (job.phase === 'review') {
    const r = job.staged.report;
    view = {
      phase: 'review',
      label: job.label,
      review: {
        format: `SQuAD v${r.version || '?'}`,
        counts: [
          { n: r.articles, label: plural(r.articles, 'article') },
          { n: r.paragraphs, label: plural(r.paragraphs, 'paragraph') },
          { n: r.questions, label: plural(r.questions, 'question') },
          { n: r.answers, label: plural(r.answers, 'answer') },
          { n: r.valid.questions, label: plural(r.valid.questions, 'valid question') },
        ],
        issueCounts: Object.entries(r.issueCounts).map(([k, n]) => ({ label: SQUAD_ISSUE[k as IssueKind] ?? k, n: n ?? 0 })),
        issues: r.issues.map((i) => ({ kind: SQUAD_ISSUE[i.kind] ?? i.kind, where: i.path, message: i.message })),
        problems: r.errors,
        valid: r.valid.questions,
        validNoun: 'valid question',
        suggestedName: job.staged.suggestedName,
      },
    };
  } else view = jobInFlight(job);
  return <ImportBanner key={job.label} kind="qa" job={view} actions={actions} writing="writing shards to IndexedDB…" />;
}

function PairImportJob() {
  const job = usePairs((s) => s.job);
  const st = usePairs.getState();
  if (!job) return null;
  const actions: BannerActions = {
    cancel: st.cancel,
    dismiss: st.dismiss,
    retry: () => job.phase === 'failed' && job.retry && void st.startImport(job.retry.file, job.retry.encoding, job.retry.source),
    commit: (name) => void st.commit(name),
    discard: () => void st.discard(),
  };
  let view: BannerJob;
  if (job.phase === 'done') {
    const d = job.dataset;
    view = {
      phase: 'done',
      label: job.label,
      summary: `Imported “${d.name}”: ${countOf(d.pairs, 'pair')}${d.unlabelled ? ' (unlabelled)' : ` (${formatCount(d.positives)} equivalent, ${formatCount(d.negatives)} not)`}${job.skipped > 0 ? `, ${countOf(job.skipped, 'invalid row')} skipped` : ''}.`,
    };
  } else if (job.phase === 'review') {
    const r = job.staged.report;
    view = {
      phase: 'review',
      label: job.label,
      review: {
        format: FORMAT_LABEL[r.format],
        counts: [
          { n: r.rows, label: plural(r.rows, 'row') },
          { n: r.valid, label: plural(r.valid, 'valid pair') },
          { n: r.positives, label: 'equivalent' },
          { n: r.negatives, label: 'not equivalent' },
        ],
        issueCounts: Object.entries(r.issueCounts).map(([k, n]) => ({ label: PAIR_ISSUE[k as PairIssueKind] ?? k, n: n ?? 0 })),
        issues: r.issues.map((i) => ({ kind: PAIR_ISSUE[i.kind] ?? i.kind, message: i.message })),
        problems: r.errors,
        valid: r.valid,
        validNoun: 'valid pair',
        suggestedName: job.staged.suggestedName,
      },
    };
  } else view = jobInFlight(job);
  return <ImportBanner key={job.label} kind="mrpc" job={view} actions={actions} writing="writing pairs to IndexedDB…" />;
}

/** The import jobs of both kinds, each where it stands; starting an import clears the other kind's finished one. */
export function ImportJobView() {
  return (
    <>
      <QaImportJob />
      <PairImportJob />
    </>
  );
}
