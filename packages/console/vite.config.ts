import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the api role at /manager (services/api/src/routes/console.ts); hashed assets under
// /manager/assets are cached for a year, index.html never.
export default defineConfig({
  base: '/manager/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, modulePreload: { polyfill: false } },
});
