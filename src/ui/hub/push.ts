// Pushing a model folder to the Hugging Face Hub with the maintained client (@huggingface/hub): the repo is
// created when missing, files go up in one commit with per-file progress, and failures become advice.
// The client is loaded on the first push, so the studio's first load does not carry it.

export interface PushFile {
  path: string;
  content: Blob;
}

export interface PushProgress {
  phase: 'creating' | 'preuploading' | 'uploadingLargeFiles' | 'committing' | 'done';
  /** Per file: 0..1 of its upload. */
  files: Record<string, number>;
}

/** Hub repo ids: owner/name, letters, digits, '-', '_', '.'. */
export function repoProblem(repo: string): string | null {
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) return 'name the repository as owner/name (e.g. your-user/bert-tiny-squad)';
  if (/\.\.|--/.test(repo) || /^[.-]|[.-]$/.test(repo.split('/')[1])) return 'a repository name cannot start or end with "." or "-", nor hold ".." or "--"';
  if (repo.split('/')[1].length > 96) return 'a repository name is at most 96 characters';
  return null;
}

/** What went wrong and what to do about it, from an error of the Hub client or the network. */
export function explainHubError(err: unknown, repo: string): string {
  if (err instanceof DOMException && err.name === 'AbortError') return 'Upload cancelled; nothing was committed to the repository.';
  const status = typeof err === 'object' && err !== null && 'statusCode' in err ? (err as { statusCode: unknown }).statusCode : null;
  if (typeof status === 'number') {
    const e = err as Error;
    if (status === 401) return 'The Hub refused the token (401): check that it was pasted whole, or create a new one with write access at huggingface.co/settings/tokens.';
    if (status === 403) return `No write access to ${repo} (403): use a token with the "write" role (or a fine-grained token allowed to write to this repository), and a repository under your own name or an organization you can write to.`;
    if (status === 404) return `The Hub has no repository ${repo} you can see (404): check the owner name, or that the token can create repositories there.`;
    if (status === 413) return 'The Hub refused a file as too large (413).';
    if (status === 429) return 'The Hub is rate-limiting requests (429): wait a minute and push again.';
    return `The Hub answered ${status}: ${e.message}`;
  }
  if (err instanceof TypeError) return `Could not reach huggingface.co (${err.message}): check the network connection, then push again; nothing was committed.`;
  return err instanceof Error ? err.message : String(err);
}

type ProgressInit = RequestInit & { progressHint?: { progressCallback: (progress: number) => void } };

/**
 * fetch for the Hub client: uploads that ask for progress go through XMLHttpRequest (fetch reports no
 * upload progress), and, unlike the client's own helper, the abort signal cancels them mid-upload.
 */
export function uploadFetch(input: RequestInfo | URL, init?: ProgressInit): Promise<Response> {
  const hint = init?.progressHint;
  const body = init?.body;
  if (!init || !hint || typeof input !== 'string' || (init.method !== 'PUT' && init.method !== 'POST') || !(body instanceof Blob || body instanceof ArrayBuffer || typeof body === 'string')) {
    return fetch(input, init);
  }
  return new Promise((resolve, reject) => {
    if (init.signal?.aborted) return reject(new DOMException('Aborted', 'AbortError'));
    const xhr = new XMLHttpRequest();
    xhr.upload.addEventListener('progress', (e) => {
      // 1 is reported once the server has answered.
      if (e.lengthComputable) hint.progressCallback(Math.min(e.loaded / e.total, 0.999));
    });
    xhr.open(init.method!, input, true);
    new Headers(init.headers).forEach((value, key) => xhr.setRequestHeader(key, value));
    init.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.addEventListener('load', () => {
      const headers = new Headers();
      for (const line of xhr.getAllResponseHeaders().split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i > 0) headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
      }
      const empty = xhr.status === 204 || xhr.status === 205 || xhr.status === 304;
      resolve(new Response(empty ? null : xhr.responseText, { status: xhr.status, statusText: xhr.statusText, headers }));
    });
    xhr.addEventListener('error', () => reject(new TypeError('network error')));
    xhr.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError')));
    xhr.send(body as XMLHttpRequestBodyInit);
  });
}

/** Creates the repo if needed and commits the files; yields progress; resolves to the commit URL. */
export async function pushToHub(params: {
  repo: string;
  token: string;
  files: PushFile[];
  commitTitle: string;
  privateRepo: boolean;
  signal: AbortSignal;
  onProgress: (p: PushProgress) => void;
  hubUrl?: string;
}): Promise<string | null> {
  const { repo, token, signal, hubUrl } = params;
  const files: Record<string, number> = Object.fromEntries(params.files.map((f) => [f.path, 0]));
  params.onProgress({ phase: 'creating', files });
  const { HubApiError, commitIter, createRepo } = await import('@huggingface/hub');
  try {
    await createRepo({ repo: { type: 'model', name: repo }, accessToken: token, visibility: params.privateRepo ? 'private' : 'public', hubUrl });
  } catch (err) {
    // 409: the repository exists already; the commit below adds to it.
    if (!(err instanceof HubApiError && err.statusCode === 409)) throw err;
  }
  signal.throwIfAborted();
  const it = commitIter({
    repo: { type: 'model', name: repo },
    accessToken: token,
    operations: params.files.map((f) => ({ operation: 'addOrUpdate' as const, path: f.path, content: f.content })),
    title: params.commitTitle,
    abortSignal: signal,
    hubUrl,
    // Git LFS for the weights: plain HTTP uploads whose progress and cancellation the browser gives us.
    useXet: false,
    fetch: uploadFetch as typeof fetch,
  });
  let phase: PushProgress['phase'] = 'preuploading';
  for (;;) {
    const r = await it.next();
    if (r.done) {
      params.onProgress({ phase: 'done', files });
      return r.value?.commit.url ?? null;
    }
    const e = r.value;
    if (e.event === 'phase') phase = e.phase;
    else if (e.state === 'uploading') files[e.path] = e.progress;
    params.onProgress({ phase, files: { ...files } });
  }
}
