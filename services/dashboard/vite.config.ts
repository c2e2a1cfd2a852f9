import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Relative asset paths: the same dist/ is served by `cva local up` at / and by Firebase Hosting.
export default defineConfig({
  base: './',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1024 },
  test: { include: ['test/**/*.test.ts', 'test/**/*.test.tsx'], environment: 'node' },
});
