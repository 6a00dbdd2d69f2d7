/**
 * Vite for the storefront: React with Tailwind v4. `npm run dev -w storefront` serves on 15173 and proxies the
 * gateway's /api and /webhooks (a local gateway on 18080), so the browser sees one origin, as it does when the
 * gateway serves storefront/dist itself.
 */
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const gateway = process.env.STREAMSHOP_GATEWAY_URL ?? 'http://127.0.0.1:18080';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    port: 15173,
    strictPort: true,
    proxy: {
      '/api': { target: gateway, changeOrigin: false },
      '/webhooks': { target: gateway, changeOrigin: false },
    },
  },
  preview: { port: 15173 },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
