// `npm start`: install dependencies if missing, build, serve the studio and print its URL.
import { ensureDependencies, run } from './deps.mjs';

ensureDependencies();
if (run('npx', ['vite', 'build', '--logLevel', 'warn']) !== 0) process.exit(1);
const { createServer } = await import('./serve.mjs');
const port = Number(process.env.PORT ?? 5173);
const host = process.env.HOST ?? '127.0.0.1';
createServer().listen(port, host, () => {
  console.log(`\nBERT Studio is running at http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/`);
  if (process.env.STUDIO_ASSETS_DIR) console.log(`Local assets: ${process.env.STUDIO_ASSETS_DIR} -> /assets/`);
  console.log('Press Ctrl+C to stop.');
});
