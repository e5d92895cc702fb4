// `npm run bench`: every benchmark prints its figures as ratios against a reference run in the same process.
import { benchmarks } from './registry.js';

const only = process.argv.slice(2);
for (const [name, load] of Object.entries(benchmarks)) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n== ${name} ==`);
  const mod = await load();
  await mod.run();
}
// The threaded wasm backend's pthread workers keep Node's event loop alive after the last figure.
process.exit(0);
