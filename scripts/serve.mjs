// Serves the built studio (dist/) and, when STUDIO_ASSETS_DIR is set, that folder under /assets/.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assetsMiddleware } from './assets.mjs';
import { ISOLATION_HEADERS } from './isolation.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** True for a browser loading a page (not a script, worker, fetch or asset): only those get index.html. */
function isPageNavigation(req, pathname) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (pathname.startsWith('/assets/') || pathname.startsWith('/static/')) return false;
  const mode = req.headers['sec-fetch-mode'];
  if (mode) return mode === 'navigate';
  return String(req.headers.accept ?? '').includes('text/html');
}

function reply(res, status, text) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(text);
}

export function createServer(assetsDir = process.env.STUDIO_ASSETS_DIR, { distDir = root } = {}) {
  const assets = assetsMiddleware(assetsDir);
  return http.createServer((req, res) => {
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      // A malformed URL (bad percent-encoding) is the client's mistake: answer it, never crash the server.
      return reply(res, 400, `malformed URL: ${req.url}`);
    }
    assets(req, res, () => {
      let file = path.resolve(distDir, '.' + pathname);
      if (file !== distDir && !file.startsWith(distDir + path.sep)) return reply(res, 403, 'forbidden');
      if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(distDir, 'index.html');
      else if (!fs.existsSync(file)) {
        if (!isPageNavigation(req, pathname)) return reply(res, 404, `not found: ${pathname}`);
        file = path.join(distDir, 'index.html');
      }
      res.setHeader('Content-Type', TYPES[path.extname(file)] ?? 'application/octet-stream');
      if (file.includes(`${path.sep}static${path.sep}`)) res.setHeader('Cache-Control', 'max-age=31536000, immutable');
      fs.createReadStream(file).pipe(res);
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    console.error('dist/ is missing: run `npm run build` first (or `npm start`, which builds).');
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 5173);
  const host = process.env.HOST ?? '127.0.0.1';
  createServer().listen(port, host, () => {
    console.log(`BERT Studio is running at http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/`);
    if (process.env.STUDIO_ASSETS_DIR) console.log(`Local assets: ${path.resolve(process.env.STUDIO_ASSETS_DIR)} -> /assets/`);
  });
}
