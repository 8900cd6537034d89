import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The build must work under a strict CSP (`default-src 'self'`, no inline script or style):
// no asset is inlined as a data: URL, and relative paths let the same build run from
// `hublot serve` and from the Tauri shell.
export default defineConfig({
  plugins: [svelte()],
  base: './',
  build: {
    outDir: 'dist',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: false,
  },
  server: {
    // `npm run dev` talks to a `hublot serve` started beside it.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
