import { useRef } from 'react';
import { useInspector } from '../../state/inspector.js';

/** The inspector's vocabulary: a listed one or a file, and its casing; both views tokenize with it. */
export function VocabPicker() {
  const st = useInspector();
  const fileInput = useRef<HTMLInputElement>(null);
  return (
    <label className="field">
      Vocabulary
      <div className="row" style={{ flexWrap: 'nowrap' }}>
        <select className="input grow" value={st.vocabId ?? ''} onChange={(e) => st.setSettings({ vocabId: e.target.value })} aria-label="Vocabulary">
          {st.vocabs.map((v) => (
            <option key={v.id} value={v.id}>
              {v.source.label} · {v.origin}
            </option>
          ))}
        </select>
        <input ref={fileInput} type="file" hidden accept=".txt,.json" onChange={(e) => {
            const file = e.target.files?.[0];
            // Cleared so that choosing the same file again (after editing it) fires a change.
            e.target.value = '';
            if (file) st.addVocabFile(file);
          }}
        />
        <button className="btn small" onClick={() => fileInput.current?.click()} title="vocab.txt or tokenizer.json">
          File…
        </button>
        <label className="row small" style={{ gap: 4, flexWrap: 'nowrap' }}>
          <input type="checkbox" checked={st.lowercase} onChange={(e) => st.setSettings({ lowercase: e.target.checked })} /> lowercase
        </label>
      </div>
    </label>
  );
}
