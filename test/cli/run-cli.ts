// Runs the real `geumgo` command in a child process, as a user would: the sources bundled once per
// run (test/support/cli-bundle.ts); test/cli/bin.test.ts runs bin/geumgo.js itself.
import { execFile, spawn } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { npkiVectorsDir } from "../support/files.ts";

/** The command, to run with `node` (process.execPath). */
export const bin = inject("geumgoCli");

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
      // From another directory, as a user runs it: the command must not depend on the working directory.
      { env: { ...process.env, GEUMGO_LANG: "en", ...env }, timeout: 60_000, cwd: tmpdir() },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/**
 * Runs the command at a pseudo-terminal (util-linux `script`), typing each answer once its prompt
 * shows (in order); returns everything the terminal displayed.
 */
export function runCliAtTerminal(
  args: string[],
  answers: [prompt: string, input: string][],
): Promise<{ code: number; screen: string }> {
  return new Promise((done) => {
    const command = [process.execPath, bin, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    const child = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], {
      env: { ...process.env, GEUMGO_LANG: "en" },
      cwd: tmpdir(),
    });
    let screen = "";
    let answered = 0;
    /** Where on the screen the next prompt is looked for: after the last one answered. */
    let from = 0;
    child.stdout.on("data", (d) => {
      screen += String(d);
      const next = answers[answered];
      const at = next ? screen.indexOf(next[0], from) : -1;
      if (next && at >= 0) {
        answered++;
        from = at + next[0].length;
        child.stdin.write(`${next[1]}\r`);
      }
    });
    const timer = setTimeout(() => child.kill(), 30_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code: code ?? -1, screen });
    });
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
