import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from './serve.mjs';

// Raw requests (not fetch): fetch would normalise or refuse the malformed URLs this server must survive.
function get(port: number, rawPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const NAVIGATE = { 'sec-fetch-mode': 'navigate', accept: 'text/html' };

describe('static server', () => {
  let dir: string;
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-'));
    const dist = path.join(dir, 'dist');
    fs.mkdirSync(path.join(dist, 'static'), { recursive: true });
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>studio</title>');
    fs.writeFileSync(path.join(dist, 'static', 'app.js'), 'export {}');
    const assets = path.join(dir, 'assets');
    fs.mkdirSync(assets);
    fs.writeFileSync(path.join(assets, 'vocab.txt'), '[PAD]\n');
    server = createServer(assets, { distDir: dist });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers 400 to a malformed URL and keeps serving', async () => {
    const bad = await get(port, '/%E0%A4%A');
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('malformed URL');
    expect((await get(port, '/assets/%E0%A4%A')).status).toBe(400);
    expect((await get(port, '/static/app.js')).status).toBe(200);
  });

  it('serves index.html for page navigations only', async () => {
    const page = await get(port, '/some/panel', NAVIGATE);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>studio</title>');
    expect((await get(port, '/', {})).body).toContain('<title>studio</title>');
    // A script, worker or fetch() of a missing file gets a 404, not the page.
    expect((await get(port, '/some/panel', { 'sec-fetch-mode': 'cors', accept: '*/*' })).status).toBe(404);
    expect((await get(port, '/static/missing.js', NAVIGATE)).status).toBe(404);
  });

  it('answers 404 for an unknown /assets/ path, and serves the known ones', async () => {
    expect((await get(port, '/assets/nope.json', NAVIGATE)).status).toBe(404);
    expect((await get(port, '/assets/nope.json')).status).toBe(404);
    const vocab = await get(port, '/assets/vocab.txt');
    expect(vocab.status).toBe(200);
    expect(vocab.body).toBe('[PAD]\n');
  });

  it('refuses paths outside the served folder', async () => {
    expect((await get(port, '/..%2f..%2fetc%2fpasswd', NAVIGATE)).status).toBe(403);
  });
});
