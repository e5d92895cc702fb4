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

export function createServer(assetsDir = process.env.STUDIO_ASSETS_DIR) {
  const assets = assetsMiddleware(assetsDir);
  return http.createServer((req, res) => {
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
    assets(req, res, () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let file = path.resolve(root, '.' + decodeURIComponent(url.pathname));
      if (!file.startsWith(root)) {
        res.statusCode = 403;
        return res.end('forbidden');
      }
      if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(root, 'index.html');
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
