// Three projects: everything in Node; the isomorphic src/pki suite again in headless Chromium,
// which proves src/pki runs on the browser's WebCrypto alone; and the end-to-end flows, which drive
// the built web app in Chromium against the real server.
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// The shared test vectors sit beside the project (../shared/vectors), in CI as in a work tree.
const vectorsDir = resolve(import.meta.dirname, "../shared/vectors");

export default defineConfig({
  define: { __VECTORS_DIR__: JSON.stringify(vectorsDir) },
  server: { fs: { allow: [".", vectorsDir] } },
  test: {
    testTimeout: 60_000,
    // Setting up a fresh database with every migration and a CA takes seconds on a busy machine.
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          // test/web/certcenter and *.browser.test.ts need a browser (IndexedDB, workers, the DOM).
          exclude: ["test/e2e/**", "test/web/certcenter/**", "test/**/*.browser.test.ts"],
          environment: "node",
          // Vitest's default, one worker fewer than cores, is a single worker on a 2-core machine,
          // which leaves the second core idle while the files wait on PostgreSQL, OpenSSL and
          // spawned servers. Each file has its own databases, directories and ports.
          maxWorkers: Math.max(2, availableParallelism() - 1),
          // The `geumgo` command bundled once for the tests that run it (inject("geumgoCli")).
          globalSetup: ["test/support/cli-bundle.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          globalSetup: ["test/support/cli-bundle.ts", "test/support/run-start.ts"],
        },
      },
      {
        extends: true,
        // Pre-bundled up front: found mid-run, Vite re-bundles and leaves two copies of asn1-schema,
        // whose schema registry then misses the other copy's classes.
        optimizeDeps: {
          include: [
            "asn1js",
            "reflect-metadata",
            "@noble/hashes/legacy.js",
            "@noble/hashes/sha2.js",
            "@peculiar/asn1-schema",
            "@peculiar/asn1-x509",
            "@peculiar/asn1-pkcs8",
            "@peculiar/asn1-pfx",
            "@peculiar/asn1-ocsp",
            "@peculiar/asn1-cms",
            "@peculiar/asn1-csr",
            "@peculiar/asn1-ecc",
            "@peculiar/asn1-rsa",
            "@peculiar/x509",
          ],
        },
        test: {
          name: "browser",
          // test/web/*.browser.test.ts: web components that need a real DOM (the selection window).
          include: [
            "test/pki/**/*.test.ts",
            "test/web/certcenter/**/*.test.ts",
            "test/web/**/*.browser.test.ts",
          ],
          exclude: ["test/pki/**/*.node.test.ts"],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: chromium,
                args: [
                  "--no-sandbox",
                  "--disable-gpu",
                  "--disable-quic",
                  "--no-first-run",
                  "--disable-background-networking",
                  "--disable-component-update",
                  "--disable-sync",
                ],
              },
            }),
            instances: [{ browser: "chromium" }],
          },
        },
      },
    ],
  },
});
