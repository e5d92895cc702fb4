// Serves a local folder read-only under /assets/ and lists what it holds at /assets/index.json.
import fs from 'node:fs';
import path from 'node:path';

const MIME = {
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.tsv': 'text/tab-separated-values; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.jsonl': 'application/jsonl; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.safetensors': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

export function classifyAsset(relPath) {
  const base = path.basename(relPath);
  if (base === 'vocab.txt' || /vocab.*\.txt$/.test(base) || base === 'tokenizer.json') return 'vocabulary';
  if (base === 'model.safetensors' || base === 'pytorch_model.bin' || base === 'config.json') return 'model';
  if (/prediction/i.test(relPath)) return 'predictions';
  if (base.endsWith('.json')) return 'dataset';
  // Sentence-pair files (GLUE MRPC tsv, the original msr_paraphrase_*.txt, CSV, JSON lines);
  // GLUE's dev_ids.tsv holds only pair ids, no sentences.
  if (/_ids\.tsv$/i.test(base)) return 'other';
  if (/\.(tsv|csv|jsonl)$/i.test(base) || /^msr_paraphrase.*\.txt$/i.test(base)) return 'dataset';
  return 'other';
}

function walk(root, rel, out, depth) {
  if (depth > 6 || out.length > 5000) return;
  let entries;
  try {
    entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) walk(root, r, out, depth + 1);
    else if (e.isFile()) {
      const size = fs.statSync(path.join(root, r)).size;
      out.push({ path: r, size, kind: classifyAsset(r) });
    }
  }
}

export function listAssets(root) {
  const files = [];
  walk(root, '', files, 0);
  return { root: path.basename(path.resolve(root)), files };
}

export function assetsMiddleware(root) {
  const resolvedRoot = root ? path.resolve(root) : null;
  return (req, res, next) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith('/assets/')) return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      return res.end('read-only');
    }
    if (url.pathname === '/assets/index.json') {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Cache-Control', 'no-store');
      return res.end(JSON.stringify(resolvedRoot ? listAssets(resolvedRoot) : { root: null, files: [] }));
    }
    if (!resolvedRoot) return next();
    const rel = decodeURIComponent(url.pathname.slice('/assets/'.length));
    const file = path.resolve(resolvedRoot, rel);
    if (!file.startsWith(resolvedRoot + path.sep)) {
      res.statusCode = 403;
      return res.end('forbidden');
    }
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) return next();
      res.setHeader('Content-Type', MIME[path.extname(file)] ?? 'application/octet-stream');
      res.setHeader('Content-Length', String(st.size));
      res.setHeader('Cache-Control', 'no-cache');
      if (req.method === 'HEAD') return res.end();
      fs.createReadStream(file).pipe(res);
    });
  };
}
