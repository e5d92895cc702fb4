import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { assetsMiddleware } from './scripts/assets.mjs';

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
  worker: { format: 'es' },
  build: { target: 'es2022', assetsDir: 'static', chunkSizeWarningLimit: 4000 },
});
