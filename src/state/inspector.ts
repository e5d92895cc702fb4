import { create } from 'zustand';
import { validateSettings } from '../core/features/index.js';

/** The position limit of every BERT checkpoint (max_position_embeddings). */
export const BERT_MAX_POSITIONS = 512;
import type { FeatureSetInfo } from '../core/storage/types.js';
import type { Progress } from '../workers/protocol.js';
import { WorkerError } from '../workers/protocol.js';
import type { AuditResult, FeatureJob, InspectedExample, TrainedVocabInfo, VocabSource } from '../workers/features-api.js';
import { DEMO_VOCAB_SIZE, DEMO_VOCAB_TEXT } from '../core/tokenizer/demo-vocab.js';
import { hashString } from '../core/util/prng.js';
import type { LabelRule } from '../core/features/types.js';
import { featuresWorker } from '../workers/clients.js';
import type { ExampleWindowLogits } from '../workers/eval-api.js';

export interface VocabOption {
  id: string;
  source: VocabSource;
  lowercase: boolean;
  origin: 'built in' | 'trained' | 'local asset' | 'Hugging Face Hub' | 'your file' | 'model';
}

/** The vocabulary that ships with the studio (trained from the demo dataset): works offline, the default without local assets. */
export const DEMO_VOCAB: VocabOption = {
  id: 'builtin:demo',
  source: { kind: 'text', text: DEMO_VOCAB_TEXT, key: `builtin:demo:${hashString(DEMO_VOCAB_TEXT).toString(16)}`, label: `BERT Studio demo (${DEMO_VOCAB_SIZE} tokens)` },
  lowercase: true,
  origin: 'built in',
};

export function trainedVocabOption(v: TrainedVocabInfo): VocabOption {
  return { id: `trained:${v.id}`, source: { kind: 'text', text: v.text, key: `trained:${v.id}`, label: v.name }, lowercase: v.lowercase, origin: 'trained' };
}

/**
 * A model's own vocabulary as a file, so the inspector tokenizes exactly as the model did.
 * A fixed lastModified keeps the features the inspector stores for it reusable.
 */
export function modelVocabOption(model: { id: string; label: string; lowercase: boolean; createdAt: number }, vocab: string): VocabOption {
  const file = new File([vocab], `${model.label} vocab.txt`, { lastModified: model.createdAt });
  return { id: `model:${model.id}`, source: { kind: 'file', file, label: model.label }, lowercase: model.lowercase, origin: 'model' };
}

/** Adds (or replaces) a vocabulary option in a list. */
export const withVocab = (vocabs: VocabOption[], v: VocabOption) => [...vocabs.filter((x) => x.id !== v.id), v];

/** Vocabularies on the Hub, downloaded when chosen (needs internet). */
export const HUB_VOCABS: VocabOption[] = [
  {
    id: 'hub:bert-base-uncased',
    source: { kind: 'url', url: 'https://huggingface.co/bert-base-uncased/resolve/main/vocab.txt', label: 'bert-base-uncased' },
    lowercase: true,
    origin: 'Hugging Face Hub',
  },
  {
    id: 'hub:bert-base-cased',
    source: { kind: 'url', url: 'https://huggingface.co/bert-base-cased/resolve/main/vocab.txt', label: 'bert-base-cased' },
    lowercase: false,
    origin: 'Hugging Face Hub',
  },
];

export type Span = { start: number; end: number };

/** A model's start/end logits over one example's windows, drawn over the inspector's tokens. */
export interface LogitsOverlay {
  exampleId: string;
  /** Where the logits come from, e.g. the model's name. */
  source: string;
  windows: ExampleWindowLogits[];
  /** The chosen span, UTF-16 in the context. */
  predicted: (Span & { text: string }) | null;
}

interface InspectorState {
  vocabs: VocabOption[];
  vocabId: string | null;
  lowercase: boolean;
  maxLength: number;
  stride: number;
  featureSets: FeatureSetInfo[];
  job: { progress: Progress | null; controller: AbortController } | null;
  result: { info: FeatureSetInfo; reused: boolean } | null;
  error: string | null;
  example: InspectedExample | null;
  exampleError: string | null;
  rule: LabelRule;
  layout: 'stacked' | 'side-by-side';
  /** Token under the pointer: [window, token index]. */
  hovered: { window: number; token: number } | null;
  /** Context characters the user selected (UTF-16). */
  selection: Span | null;
  audit: AuditResult | null;
  auditJob: { progress: Progress | null; controller: AbortController } | null;
  overlay: LogitsOverlay | null;
  loadVocabs(): Promise<void>;
  addVocabFile(file: File): void;
  setSettings(s: Partial<Pick<InspectorState, 'vocabId' | 'lowercase' | 'maxLength' | 'stride'>>): void;
  currentJob(datasetId: string): FeatureJob | null;
  featurize(datasetId: string): Promise<void>;
  cancel(): void;
  refreshFeatureSets(): Promise<void>;
  open(datasetId: string, target: { id?: string; position?: number }): Promise<void>;
  setRule(rule: LabelRule): void;
  setLayout(layout: 'stacked' | 'side-by-side'): void;
  hover(h: { window: number; token: number } | null): void;
  select(s: Span | null): void;
  runAudit(datasetId: string): Promise<void>;
  /** Tokenizes with the given vocabulary and window settings, then opens one example with logits drawn over it. */
  openWithLogits(datasetId: string, settings: { vocab: VocabOption; maxLength: number; stride: number }, overlay: LogitsOverlay): Promise<void>;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Opens can overlap (a panel mounting, a jump from another panel): only the latest one's example is shown. */
let openSeq = 0;

export const useInspector = create<InspectorState>((set, get) => ({
  vocabs: [DEMO_VOCAB, ...HUB_VOCABS],
  vocabId: null,
  lowercase: true,
  maxLength: 384,
  stride: 128,
  featureSets: [],
  job: null,
  result: null,
  error: null,
  example: null,
  exampleError: null,
  rule: 'fully-inside',
  layout: 'stacked',
  hovered: null,
  selection: null,
  audit: null,
  auditJob: null,
  overlay: null,

  async loadVocabs() {
    let local: VocabOption[] = [];
    try {
      const res = await fetch('/assets/index.json');
      const index = (await res.json()) as { files: { path: string; kind: string }[] };
      local = index.files
        .filter((f) => f.kind === 'vocabulary')
        .map((f) => ({
          id: `asset:${f.path}`,
          source: { kind: 'url' as const, url: `/assets/${f.path}`, label: f.path.split('/').pop() ?? f.path },
          lowercase: !/(^|[^n])cased/i.test(f.path),
          origin: 'local asset' as const,
        }));
    } catch {
      local = [];
    }
    let trained: VocabOption[] = [];
    try {
      trained = (await featuresWorker().call('vocabularies', null)).map(trainedVocabOption);
    } catch {
      trained = [];
    }
    const vocabs = [...local, DEMO_VOCAB, ...trained, ...HUB_VOCABS, ...get().vocabs.filter((v) => v.origin === 'your file' || v.origin === 'model')];
    const keep = vocabs.find((v) => v.id === get().vocabId);
    // Without local assets the shipped vocabulary is the default: nothing has to be downloaded.
    const first = keep ?? local.find((v) => v.lowercase) ?? DEMO_VOCAB;
    set({ vocabs, vocabId: first.id, lowercase: keep ? get().lowercase : first.lowercase });
  },

  addVocabFile(file) {
    const option: VocabOption = {
      id: `file:${file.name}:${file.size}`,
      source: { kind: 'file', file, label: file.name },
      lowercase: !/(^|[^n])cased/i.test(file.name),
      origin: 'your file',
    };
    set({ vocabs: [...get().vocabs.filter((v) => v.id !== option.id), option], vocabId: option.id, lowercase: option.lowercase });
  },

  setSettings(s) {
    const next = { ...s };
    if (s.vocabId && s.lowercase === undefined) {
      const v = get().vocabs.find((x) => x.id === s.vocabId);
      if (v) next.lowercase = v.lowercase;
    }
    set({ ...next, result: null, example: null, audit: null, error: null, overlay: null });
  },

  currentJob(datasetId) {
    const { vocabs, vocabId, lowercase, maxLength, stride } = get();
    const v = vocabs.find((x) => x.id === vocabId);
    return v ? { datasetId, vocab: v.source, lowercase, maxLength, stride } : null;
  },

  async featurize(datasetId) {
    const job = get().currentJob(datasetId);
    if (!job) return set({ error: 'Choose a vocabulary first.' });
    // The same limit Train and Evaluate apply: no BERT checkpoint has more than 512 positions.
    try {
      validateSettings({ maxLength: job.maxLength, stride: job.stride, maxPositionEmbeddings: BERT_MAX_POSITIONS });
    } catch (err) {
      return set({ error: message(err) });
    }
    const controller = new AbortController();
    set({ job: { progress: null, controller }, error: null, result: null });
    try {
      const result = await featuresWorker().call('featurize', job, {
        signal: controller.signal,
        onProgress: (progress) => set({ job: { progress, controller } }),
      });
      set({ result, job: null });
      await get().refreshFeatureSets();
      if (!get().example) await get().open(datasetId, { position: 0 });
    } catch (err) {
      set({ job: null, error: err instanceof WorkerError && err.cancelled ? 'Tokenization cancelled; nothing was kept.' : message(err) });
    }
  },

  cancel() {
    get().job?.controller.abort();
    get().auditJob?.controller.abort();
  },

  async refreshFeatureSets() {
    set({ featureSets: await featuresWorker().call('feature-sets', null) });
  },

  async open(datasetId, target) {
    const job = get().currentJob(datasetId);
    if (!job) return;
    const seq = ++openSeq;
    try {
      const example = await featuresWorker().call('inspect', { job, exampleId: target.id, position: target.position });
      if (seq !== openSeq) return;
      set({ example, exampleError: null, hovered: null, selection: null });
    } catch (err) {
      if (seq === openSeq) set({ exampleError: message(err) });
    }
  },

  setRule: (rule) => set({ rule }),
  setLayout: (layout) => set({ layout }),
  hover: (hovered) => set({ hovered }),
  select: (selection) => set({ selection }),

  async runAudit(datasetId) {
    const job = get().currentJob(datasetId);
    if (!job) return;
    const controller = new AbortController();
    set({ auditJob: { progress: null, controller }, audit: null });
    try {
      const audit = await featuresWorker().call('audit', { job }, { signal: controller.signal, onProgress: (progress) => set({ auditJob: { progress, controller } }) });
      set({ audit, auditJob: null });
    } catch (err) {
      set({ auditJob: null, error: err instanceof WorkerError && err.cancelled ? 'Audit cancelled.' : message(err) });
    }
  },

  async openWithLogits(datasetId, { vocab, maxLength, stride }, overlay) {
    const vocabs = withVocab(get().vocabs, vocab);
    set({ vocabs, vocabId: vocab.id, lowercase: vocab.lowercase, maxLength, stride, result: null, example: null, audit: null, error: null, overlay });
    await get().featurize(datasetId);
    if (get().result) await get().open(datasetId, { id: overlay.exampleId });
  },
}));
