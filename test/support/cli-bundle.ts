// Vitest global set-up: bundles the `geumgo` command (src/cli/main.ts) once per run into plain
// JavaScript, which the CLI tests spawn with node. Through bin/geumgo.js every spawn would have tsx
// load and compile the sources again, over a second each; the bundle starts in a third of that.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The bundled `geumgo` command, to run with `node`. */
    geumgoCli: string;
  }
}

const root = resolve(import.meta.dirname, "../..");
// Inside the project, so that the packages it leaves out resolve from node_modules as the sources' do.
const outDir = join(root, "node_modules/.cache/geumgo-cli");

export async function bundleCli(): Promise<string> {
  const result = await build({
    entryPoints: [join(root, "src/cli/main.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    tsconfig: join(root, "tsconfig.json"),
    write: false,
    logLevel: "warning",
    plugins: [
      {
        // Each source file keeps its own location: the migrations, the holiday table and the web
        // app's files are found beside the sources, as when tsx runs them.
        name: "own-location",
        setup(b) {
          b.onLoad({ filter: /\.ts$/ }, (args) => ({
            contents: readFileSync(args.path, "utf8")
              .replaceAll("import.meta.dirname", JSON.stringify(dirname(args.path)))
              .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)),
            loader: "ts",
          }));
        },
      },
    ],
  });
  const code = result.outputFiles[0]!.contents;
  const file = join(outDir, `geumgo-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(outDir, { recursive: true });
    // Whole or not at all: another run may be reading the same file.
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, code);
    renameSync(partial, file);
  }
  return file;
}

export default async function setup(project: TestProject): Promise<void> {
  project.provide("geumgoCli", await bundleCli());
}
