import { useEffect, useState } from 'react';
import { useStudio } from '../../state/studio.js';
import { useInspector } from '../../state/inspector.js';
import { useVocabTool } from '../../state/vocab-tool.js';
import { JobBanner } from '../common/JobBanner.js';
import { download } from '../common/download.js';
import { formatCount } from '../format.js';

const percent = (x: number) => `${(100 * x).toFixed(2)} %`;

/** A number field that may be emptied while typing; `null` while it holds no valid whole number. */
function WholeField({ label, value, onChange, min, allowEmpty }: { label: string; value: number | null; onChange(v: number | null): void; min: number; allowEmpty?: boolean }) {
  const [text, setText] = useState(value === null ? '' : String(value));
  return (
    <label className="field">
      {label}
      <input
        className="input"
        inputMode="numeric"
        aria-label={label}
        value={text}
        placeholder={allowEmpty ? 'no limit' : undefined}
        onChange={(e) => {
          setText(e.target.value);
          const t = e.target.value.trim();
          const n = Number(t);
          onChange(t === '' && allowEmpty ? null : t !== '' && Number.isInteger(n) && n >= min ? n : Number.NaN);
        }}
      />
    </label>
  );
}

/** "Train a vocabulary": Hugging Face WordPieceTrainer on a stored dataset, and coverage of a dataset by any vocabularies. */
export function VocabTool() {
  const datasets = useStudio((s) => s.datasets);
  const selectedId = useStudio((s) => s.selectedDatasetId);
  const insp = useInspector();
  const st = useVocabTool();
  const [datasetId, setDatasetId] = useState<string | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const { refresh } = st;
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const dataset = datasets.find((d) => d.id === (datasetId ?? selectedId)) ?? datasets[0] ?? null;
  const s = st.settings;
  const invalid =
    !Number.isInteger(s.vocabSize) || s.vocabSize < 10 || s.vocabSize > 200_000
      ? 'Size: a whole number of tokens from 10 to 200,000.'
      : !Number.isInteger(s.minFrequency)
        ? 'Minimum frequency: a whole number, 0 or more.'
        : s.limitAlphabet !== null && !Number.isInteger(s.limitAlphabet)
          ? 'Alphabet limit: a whole number of at least 1, or empty for no limit.'
          : null;
  const chosen = insp.vocabs.filter((v) => picked.has(v.id));

  return (
    <section className="card" data-testid="vocab-tool">
      <div className="card-head">
        <h2>Train a vocabulary</h2>
        <span className="muted small">WordPiece, as Hugging Face's WordPieceTrainer: BERT normaliser and pre-tokenizer, ## continuation pieces, [PAD] [UNK] [CLS] [SEP] [MASK] first</span>
      </div>
      <div className="settings-grid" style={{ gridTemplateColumns: 'minmax(0, 1.4fr) minmax(0, 0.8fr) minmax(0, 0.8fr) minmax(0, 0.8fr) minmax(0, 1.4fr) auto' }}>
        <label className="field">
          Train on
          <select className="input" aria-label="Train on" value={dataset?.id ?? ''} onChange={(e) => setDatasetId(e.target.value)}>
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <WholeField label="Size (tokens)" value={s.vocabSize} min={10} onChange={(v) => st.setSettings({ vocabSize: v ?? Number.NaN })} />
        <WholeField label="Min frequency" value={s.minFrequency} min={0} onChange={(v) => st.setSettings({ minFrequency: v ?? Number.NaN })} />
        <WholeField label="Alphabet limit" value={s.limitAlphabet} min={1} allowEmpty onChange={(v) => st.setSettings({ limitAlphabet: v })} />
        <label className="field">
          Save as
          <input className="input" aria-label="Save as" placeholder={dataset ? `${dataset.name} (N tokens)` : ''} value={st.name} onChange={(e) => st.setName(e.target.value)} />
        </label>
        <div className="row" style={{ gap: 12, alignSelf: 'end', flexWrap: 'nowrap' }}>
          <label className="row small" style={{ gap: 4, flexWrap: 'nowrap' }}>
            <input type="checkbox" checked={s.lowercase} onChange={(e) => st.setSettings({ lowercase: e.target.checked })} /> uncased
          </label>
          <button className="btn primary" disabled={!dataset || !!st.job || !!invalid} onClick={() => dataset && void st.train(dataset.id)}>
            Train vocabulary
          </button>
        </div>
      </div>
      {invalid ? <div className="error-text small" style={{ marginTop: 8 }}>{invalid}</div> : null}
      {st.job ? (
        <div style={{ marginTop: 12 }}>
          <JobBanner testId="vocab-job" title={st.job.what} caption={st.job.progress?.label ?? 'starting…'} progress={st.job.progress} onCancel={st.cancel} />
        </div>
      ) : null}
      {st.error ? <div className="error-text" role="alert" style={{ marginTop: 8 }}>{st.error}</div> : null}

      {st.trained.length > 0 ? (
        <table className="grid" style={{ marginTop: 12 }} aria-label="Trained vocabularies">
          <thead>
            <tr>
              <th>Vocabulary</th>
              <th>Tokens</th>
              <th>Trained on</th>
              <th>Settings</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {st.trained.map((v) => (
              <tr key={v.id}>
                <td style={{ overflowWrap: 'anywhere' }}>{v.name}</td>
                <td>{formatCount(v.size)}</td>
                <td className="small" style={{ overflowWrap: 'anywhere' }}>
                  {v.datasetName}: {formatCount(v.words)} distinct words
                </td>
                <td className="small">
                  size {formatCount(v.settings.vocabSize)}, min freq {v.settings.minFrequency}, alphabet {v.settings.limitAlphabet ?? 'all'}, {v.lowercase ? 'uncased' : 'cased'}
                </td>
                <td className="row" style={{ gap: 4, flexWrap: 'nowrap' }}>
                  <button className="btn small" onClick={() => insp.setSettings({ vocabId: `trained:${v.id}` })}>
                    Use
                  </button>
                  <button className="btn small" onClick={() => download(v.text, 'text/plain', 'vocab.txt')}>
                    vocab.txt
                  </button>
                  <button className="btn small" onClick={() => void st.remove(v.id)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}

      <h3 style={{ marginTop: 16, overflowWrap: 'anywhere' }}>Coverage of {dataset?.name ?? 'a dataset'}</h3>
      <div className="row small" style={{ flexWrap: 'wrap', gap: 12 }} role="group" aria-label="Vocabularies to measure">
        {insp.vocabs.map((v) => (
          <label key={v.id} className="row" style={{ gap: 4 }}>
            <input
              type="checkbox"
              checked={picked.has(v.id)}
              onChange={(e) => {
                const next = new Set(picked);
                if (e.target.checked) next.add(v.id);
                else next.delete(v.id);
                setPicked(next);
              }}
            />
            {v.source.label} · {v.origin}
          </label>
        ))}
        <button className="btn small" disabled={!dataset || chosen.length === 0 || !!st.job} onClick={() => dataset && void st.measure(dataset.id, chosen)}>
          Measure coverage
        </button>
      </div>
      {st.coverage ? (
        <table className="grid" style={{ marginTop: 8 }} aria-label="Coverage">
          <thead>
            <tr>
              <th>Vocabulary</th>
              <th>Unknown tokens</th>
              <th>Pieces per word</th>
              <th>Words split</th>
              <th>Tokens</th>
            </tr>
          </thead>
          <tbody>
            {st.coverage.rows.map(({ vocab, coverage: c }) => (
              <tr key={vocab.id}>
                <td style={{ overflowWrap: 'anywhere' }}>{vocab.source.label}</td>
                <td>
                  {percent(c.unknownRate)} ({formatCount(c.unknownTokens)})
                </td>
                <td>{c.piecesPerWord.toFixed(3)}</td>
                <td>{percent(c.splitRate)}</td>
                <td>
                  {formatCount(c.tokens)} for {formatCount(c.words)} words
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
