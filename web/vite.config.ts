// Builds the web app (web/ → web/dist): the member site (index.html) and the teller console
// (teller.html) as two entries, so the member bundle never carries the console's code.
import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: "/",
  plugins: [react()],
  // Workers (the certificate centre's key generation) as ES modules, as the page starts them
  // ({ type: "module" }), in files of their own under /assets, which `script-src 'self'` allows
  // (test/web/keygen-build.test.ts runs one under the site's CSP).
  worker: { format: "es" },
  build: {
    outDir: resolve(root, "dist"),
    emptyOutDir: true,
    // Every browser we target preloads modules itself; the polyfill would only add bytes.
    modulePreload: { polyfill: false },
    // Small assets stay files: a data: URL in CSS is fine under the CSP, but files cache better.
    assetsInlineLimit: 0,
    reportCompressedSize: true,
    rollupOptions: {
      input: { index: resolve(root, "index.html"), teller: resolve(root, "teller.html") },
      output: {
        // React on its own: it changes less often than our code, so it stays cached across releases.
        manualChunks: (id) => (/node_modules\/(react|react-dom|scheduler)\//.test(id) ? "react" : undefined),
        // The certificate centre's chunk (loaded on demand) is named for it, so a test can tell it apart.
        chunkFileNames: (chunk) =>
          `assets/${chunk.name === "react" ? "react" : chunk.facadeModuleId?.includes("/certcenter/") ? "certcenter" : "shared"}-[hash].js`,
        assetFileNames: (asset) =>
          asset.names.some((n) => n.endsWith(".css"))
            ? "assets/app-[hash][extname]"
            : "assets/[name]-[hash][extname]",
      },
    },
  },
  // `npx vite --config web/vite.config.ts` for development, with the API of a running server.
  server: {
    proxy: {
      "/api": process.env.GEUMGO_API ?? "http://127.0.0.1:8080",
    },
  },
});
