import { useRef, useState } from 'react';
import { usePairs } from '../../state/pairs.js';
import { JobBanner } from '../common/JobBanner.js';
import { Count } from '../common/Count.js';
import { countOf, formatBytes, formatCount } from '../format.js';
import type { PairIssueKind } from '../../core/tasks/mrpc/types.js';
import { label as encodingLabel } from '../../core/util/text-decode.js';

const KIND_LABEL: Record<PairIssueKind, string> = {
  'missing-column': 'missing column',
  'extra-column': 'extra column',
  'bad-label': 'bad label',
  'empty-sentence': 'empty sentence',
  'duplicate-id': 'duplicate pair id',
  syntax: 'syntax',
};

const FORMAT_LABEL = { 'glue-tsv': 'GLUE / MSR tsv', csv: 'CSV', jsonl: 'JSONL' } as const;

/** Import of sentence-pair files (GLUE MRPC tsv, msr_paraphrase txt, CSV/JSONL) with the pair parser's located errors. */
export function PairImport() {
  const start = usePairs((s) => s.startImport);
  const busy = usePairs((s) => s.job?.phase === 'reading' || s.job?.phase === 'writing');
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const importFile = (f: File | undefined) => {
    if (f) void start(f);
  };
  return (
    <section className="card" aria-label="Sentence-pair files">
      <div className="card-head">
        <h2>Import sentence pairs (GLUE MRPC)</h2>
        <span className="muted small">GLUE tsv (train/dev/test), msr_paraphrase_*.txt, or CSV/JSONL with sentence1, sentence2, label</span>
      </div>
      <div
        className={`dropzone${over ? ' over' : ''}`}
        data-testid="pair-dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          importFile(e.dataTransfer.files[0]);
        }}
      >
        <div className="grow">
          <div className="big">Drop an MRPC file here</div>
          <div className="muted small">validated row by row; rows with problems are named by line and column and left out</div>
        </div>
        <input
          ref={input}
          type="file"
          accept=".tsv,.txt,.csv,.jsonl,.json"
          hidden
          data-testid="pair-file-input"
          onChange={(e) => {
            importFile(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
        <button className="btn primary" disabled={busy} onClick={() => input.current?.click()}>
          Choose pair file…
        </button>
      </div>
      <PairImportJob />
    </section>
  );
}

function PairImportJob() {
  const job = usePairs((s) => s.job);
  const { cancel, commit, discard, dismiss, startImport } = usePairs.getState();
  const [name, setName] = useState<string | null>(null);
  if (!job) return null;
  if (job.phase === 'reading' || job.phase === 'writing') {
    const progress = job.phase === 'reading' ? job.progress : null;
    return (
      <JobBanner
        testId="pair-import-job"
        title={`${job.phase === 'reading' ? 'Reading and validating' : 'Storing'} ${job.label}`}
        caption={`${progress?.label ?? (job.phase === 'writing' ? 'writing pairs to IndexedDB…' : 'starting…')}${progress && progress.total > 0 ? ` · ${formatBytes(progress.done)} of ${formatBytes(progress.total)}` : ''}`}
        progress={job.phase === 'reading' ? job.progress : { done: 1, total: 2 }}
        onCancel={cancel}
      />
    );
  }
  if (job.phase === 'failed') {
    return (
      <div className="job error" data-testid="pair-import-error" role="alert">
        <div className="row">
          <b className="grow">Could not import {job.label}</b>
          <button className="btn small" onClick={dismiss}>
            Dismiss
          </button>
        </div>
        <div className="error-text">{job.message}</div>
        {job.retry ? (
          <div className="row">
            <button className="btn small" onClick={() => job.retry && void startImport(job.retry.file, job.retry.encoding)}>
              Decode as {encodingLabel(job.retry.encoding)}
            </button>
          </div>
        ) : null}
        <div className="muted small">Nothing was stored; your other datasets are unchanged.</div>
      </div>
    );
  }
  if (job.phase === 'done') {
    const d = job.dataset;
    return (
      <div className="job ok" data-testid="pair-import-done">
        <div className="row">
          <b className="grow">
            Imported “{d.name}”: {countOf(d.pairs, 'pair')}
            {d.unlabelled ? ' (unlabelled)' : ` (${formatCount(d.positives)} equivalent, ${formatCount(d.negatives)} not)`}
            {job.skipped > 0 ? `, ${formatCount(job.skipped)} invalid rows skipped` : ''}.
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
    <div className="job warn" data-testid="pair-import-review">
      <div className="row">
        <b className="grow">
          {job.label}: {formatCount(r.errors)} problem{r.errors === 1 ? '' : 's'} found
        </b>
        <span className="pill">{FORMAT_LABEL[r.format]}</span>
      </div>
      <div className="counts">
        <Count n={r.rows} label="rows" />
        <Count n={r.valid} label="valid pairs" />
        <Count n={r.positives} label="equivalent" />
        <Count n={r.negatives} label="not equivalent" />
      </div>
      <div className="row small">
        {Object.entries(r.issueCounts).map(([k, n]) => (
          <span key={k} className="pill bad">
            {KIND_LABEL[k as PairIssueKind] ?? k}: {formatCount(n ?? 0)}
          </span>
        ))}
      </div>
      <div className="issues" data-testid="pair-issue-list">
        {r.issues.map((i, n) => (
          <div key={n}>
            <span className="kind">{KIND_LABEL[i.kind] ?? i.kind}</span>
            <span>{i.message}</span>
          </div>
        ))}
      </div>
      <div className="row">
        <input className="input" aria-label="Name for these pairs" value={name ?? job.staged.suggestedName} onChange={(e) => setName(e.target.value)} />
        <button className="btn primary" disabled={r.valid === 0} onClick={() => void commit(name ?? job.staged.suggestedName)}>
          Import {countOf(r.valid, 'valid pair')} only
        </button>
        <button className="btn" onClick={() => void discard()}>
          Abort import
        </button>
      </div>
    </div>
  );
}
