import { useEffect } from 'react';
import { useStudio } from '../../state/studio.js';
import { useInspector } from '../../state/inspector.js';
import { JobBanner } from '../common/JobBanner.js';
import { Count } from '../common/Count.js';
import { countOf, formatCount, plural } from '../format.js';
import { ExampleView } from './ExampleView.js';
import { AuditView } from './AuditView.js';
import { VocabTool } from '../vocab/VocabTool.js';
import { VocabPicker } from './VocabPicker.js';
import { PairInspector } from './PairInspector.js';
import { usePairInspector, type InspectorTask } from '../../state/pair-inspector.js';

/** Question answering windows or sentence pairs: the inspector shows one task at a time. */
function TaskSwitch() {
  const task = usePairInspector((s) => s.task);
  const setTask = usePairInspector((s) => s.setTask);
  const tasks: [InspectorTask, string][] = [
    ['qa', 'Question answering (SQuAD windows)'],
    ['mrpc', 'Sentence pairs (MRPC)'],
  ];
  return (
    <span className="segmented" role="group" aria-label="Inspector task">
      {tasks.map(([t, label]) => (
        <button key={t} className={task === t ? 'on' : ''} onClick={() => setTask(t)} aria-pressed={task === t}>
          {label}
        </button>
      ))}
    </span>
  );
}

export function FeaturesPanel() {
  const task = usePairInspector((s) => s.task);
  return (
    <>
      <div className="row" style={{ gap: 10 }}>
        <TaskSwitch />
      </div>
      {task === 'mrpc' ? <PairInspector /> : <QaFeatures />}
    </>
  );
}

function QaFeatures() {
  const datasets = useStudio((s) => s.datasets);
  const datasetId = useStudio((s) => s.selectedDatasetId);
  const selectDataset = useStudio((s) => s.selectDataset);
  const st = useInspector();
  const { loadVocabs, refreshFeatureSets } = st;

  useEffect(() => {
    void loadVocabs();
    void refreshFeatureSets();
  }, [loadVocabs, refreshFeatureSets]);

  const dataset = datasets.find((d) => d.id === datasetId) ?? null;
  const vocab = st.vocabs.find((v) => v.id === st.vocabId);
  const stored = dataset ? st.featureSets.filter((f) => f.datasetId === dataset.id || (f.dataHash !== undefined && f.dataHash === dataset.contentHash)) : [];

  return (
    <>
      <section className="card" aria-label="Tokenize">
        <div className="card-head">
          <h2>Tokenize into windows</h2>
          <span className="muted small">WordPiece with offsets, truncation of the context only, overflow windows with stride, start/end labels</span>
        </div>
        <div className="settings-grid">
          <label className="field">
            Dataset
            <select className="input" value={datasetId ?? ''} onChange={(e) => { selectDataset(e.target.value); st.setSettings({}); }} aria-label="Dataset">
              {datasets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} ({countOf(d.questions, 'question')})
                </option>
              ))}
            </select>
          </label>
          <VocabPicker />
          <label className="field">
            max_length
            <input className="input" type="number" min={16} max={512} value={st.maxLength} onChange={(e) => st.setSettings({ maxLength: Math.trunc(Number(e.target.value)) })} aria-label="max_length" />
          </label>
          <label className="field">
            stride
            <input className="input" type="number" min={0} value={st.stride} onChange={(e) => st.setSettings({ stride: Math.trunc(Number(e.target.value)) })} aria-label="stride" />
          </label>
          <button className="btn primary" disabled={!dataset || !vocab || !!st.job} onClick={() => dataset && void st.featurize(dataset.id)}>
            Tokenize
          </button>
        </div>
        {vocab?.origin === 'Hugging Face Hub' ? <div className="muted small" style={{ marginTop: 8 }}>Downloads {vocab.source.kind === 'url' ? vocab.source.url : ''} (needs internet; offline, the BERT Studio demo vocabulary ships with the studio).</div> : null}
        {st.job ? (
          <div style={{ marginTop: 12 }}>
            <JobBanner testId="featurize-job" title={`Tokenizing ${dataset?.name ?? ''}`} caption={st.job.progress?.label ?? 'loading the vocabulary…'} progress={st.job.progress} onCancel={st.cancel} />
          </div>
        ) : null}
        {st.error ? (
          <div className="job error" style={{ marginTop: 12 }} role="alert" data-testid="features-error">
            {st.error}
          </div>
        ) : null}
        {st.result ? (
          <div className="job ok" style={{ marginTop: 12 }} data-testid="featurize-result">
            <div className="counts">
              <Count n={st.result.info.examples} label={plural(st.result.info.examples, 'example')} testId="example-count" />
              <Count n={st.result.info.features} label="features (windows)" testId="feature-count" />
              <Count n={st.result.info.examples - st.result.info.windowsPerExample[0]} label="examples with 2+ windows" />
              <Count n={st.result.reused ? 'reused' : `${(st.result.info.millis / 1000).toFixed(1)} s`} label={st.result.reused ? 'stored features' : 'in a worker'} />
            </div>
          </div>
        ) : null}
        {stored.length > 0 ? (
          <div className="muted small" style={{ marginTop: 10 }} data-testid="stored-feature-sets">
            Stored for this dataset:{' '}
            {stored.map((f) => `${f.tokenizer} (${f.lowercase ? 'uncased' : 'cased'}) ${f.maxLength}/${f.stride}: ${formatCount(f.features)} windows`).join(' · ')}
          </div>
        ) : null}
      </section>
      {dataset && st.result ? <ExampleView dataset={dataset} /> : null}
      {dataset && st.result ? <AuditView dataset={dataset} /> : null}
      <VocabTool />
    </>
  );
}
