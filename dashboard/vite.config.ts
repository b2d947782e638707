import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The audit dashboard: static files served by the API at /dashboard/ under a CSP without inline scripts or styles,
// so everything is emitted as external files.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/dashboard/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The polyfill is only needed by browsers without modulepreload; keep the output free of anything inline.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
