// Runs the real `geumgo` command (bin/geumgo.js) in a child process, as a user would.
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { npkiVectorsDir } from "../support/files.ts";

const bin = resolve(import.meta.dirname, "../../bin/geumgo.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, GEUMGO_LANG: "en", ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "geumgo-cli-"));
}

/** A copy of a vector folder that a test may change. */
export function copyVector(name: string, into = tempDir()): string {
  const dir = join(into, name);
  cpSync(join(npkiVectorsDir, name), dir, { recursive: true });
  return dir;
}

export function secretFile(dir: string, name: string, value: string): string {
  const path = join(dir, name);
  writeFileSync(path, `${value}\n`);
  return path;
}
