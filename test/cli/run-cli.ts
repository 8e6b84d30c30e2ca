// Runs the real `geumgo` command in a child process, as a user would: the sources bundled once per
// run (test/support/cli-bundle.ts); test/cli/bin.test.ts runs bin/geumgo.js itself. `geumgo serve`
// runs until the test stops it.
import { type ChildProcess, execFile, spawn } from "node:child_process";
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

/** A `geumgo serve` process this run started. */
export interface Serving {
  child: ChildProcess;
  /** Where its banner says it listens. */
  url: string;
  port: string;
  /** The database its banner names: pglite or postgres. */
  database: string;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then its exit status. */
  stop(): Promise<number | null>;
}

const serving: Serving[] = [];

/** `geumgo serve` on a free port; resolves once its banner says where it listens. */
export function serve(env: Record<string, string>): Promise<Serving> {
  const child = spawn(process.execPath, [bin, "serve"], {
    env: { ...process.env, GEUMGO_LANG: "en", PORT: "0", ...env },
    cwd: tmpdir(),
  });
  let out = "";
  let err = "";
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${out}\n${err}`)), 150_000);
    child.stderr.on("data", (d) => {
      err += String(d);
    });
    child.stdout.on("data", (d) => {
      out += String(d);
      // The banner ends with this line.
      const m = /listening on (http:\/\/\S+) \((\w+)\)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        const s: Serving = {
          child,
          url: m[1]!,
          port: new URL(m[1]!).port,
          database: m[2]!,
          stdout: () => out,
          stderr: () => err,
          stop: () => {
            child.kill("SIGTERM");
            return exited;
          },
        };
        serving.push(s);
        done(s);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code}:\n${out}\n${err}`));
    });
  });
}

/** Stops every `serve` still running: for the file's afterEach or afterAll. */
export async function stopServing(): Promise<void> {
  for (const s of serving.splice(0)) if (s.child.exitCode === null) await s.stop();
}
