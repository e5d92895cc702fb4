import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { assetsMiddleware } from './scripts/assets.mjs';
import { ISOLATION_HEADERS } from './scripts/isolation.mjs';

/**
 * tfjs's threaded wasm backend starts each pthread worker from `factory.toString()`, so that function
 * must stand alone. Minified, it refers to variables of its bundle (`typeof _scriptDir` folds to a bare
 * mangled name) and every thread dies with "ReferenceError: e is not defined". Building the factory
 * from its original text, out of the minifier's reach, keeps its source self-contained.
 */
function wasmThreadsFactoryVerbatim(): Plugin {
  return {
    name: 'tfjs-wasm-threads-factory-verbatim',
    apply: 'build',
    transform(code, id) {
      if (!id.split('?')[0].replace(/\\/g, '/').endsWith('/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js')) return null;
      const body = `${code}\nreturn WasmBackendModuleThreadedSimd;`;
      return { code: `module.exports = new Function(${JSON.stringify(body)})();\n`, map: null };
    },
  };
}

export default defineConfig({
  plugins: [
    react(),
    {
      name: 'studio-assets',
      configureServer(server) {
        server.middlewares.use(assetsMiddleware(process.env.STUDIO_ASSETS_DIR));
      },
    },
  ],
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  // The model worker holds tfjs; worker bundles take their own plugins.
  worker: { format: 'es', plugins: () => [wasmThreadsFactoryVerbatim()] },
  build: { target: 'es2022', assetsDir: 'static', chunkSizeWarningLimit: 4000 },
});
