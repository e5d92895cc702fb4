import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from './serve.mjs';
import { ISOLATION_HEADERS } from './isolation.mjs';
import viteConfig from '../vite.config.js';

function headersOf(port: number, rawPath: string): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, headers: { 'sec-fetch-mode': 'navigate', accept: 'text/html' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

// SharedArrayBuffer, and so multi-threaded wasm, needs the page and its workers cross-origin isolated.
describe('cross-origin isolation', () => {
  let dir: string;
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isolation-'));
    const dist = path.join(dir, 'dist');
    fs.mkdirSync(path.join(dist, 'static'), { recursive: true });
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>studio</title>');
    fs.writeFileSync(path.join(dist, 'static', 'model.worker.js'), 'export {}');
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'assets', 'vocab.txt'), '[PAD]\n');
    server = createServer(path.join(dir, 'assets'), { distDir: dist });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends COOP same-origin and COEP credentialless on the page, worker scripts, assets and errors', async () => {
    expect(ISOLATION_HEADERS).toEqual({ 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'credentialless' });
    for (const p of ['/', '/static/model.worker.js', '/assets/vocab.txt', '/assets/index.json', '/static/missing.js']) {
      const { headers } = await headersOf(port, p);
      expect(headers['cross-origin-opener-policy'], p).toBe('same-origin');
      expect(headers['cross-origin-embedder-policy'], p).toBe('credentialless');
    }
  });

  it('is configured for the Vite dev server and preview too', () => {
    const config = viteConfig as { server?: { headers?: unknown }; preview?: { headers?: unknown } };
    expect(config.server?.headers).toEqual(ISOLATION_HEADERS);
    expect(config.preview?.headers).toEqual(ISOLATION_HEADERS);
  });
});
