// Who has the PGlite data directory open: `<dataDir>/server.json` (mode 0600) names the process,
// and for a running server its address and an admin token. PGlite admits one process, so the
// server and a command run directly each claim the file first; a file whose process is gone is
// stale and taken over. Operator commands find a running server here and go through it.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ServerError } from "./errors.ts";

export interface ServerFile {
  pid: number;
  role: "server" | "command";
  /** The base URL operator commands call; absent while the server is starting. */
  url?: string;
  /** Bearer token for /admin/operations (servers only). */
  token?: string;
}

export function serverFilePath(dataDir: string): string {
  return join(dataDir, "server.json");
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The file, or undefined when there is none or it cannot be read as ours. */
export function readServerFile(dataDir: string): ServerFile | undefined {
  let text: string;
  try {
    text = readFileSync(serverFilePath(dataDir), "utf8");
  } catch {
    return undefined;
  }
  try {
    const f = JSON.parse(text) as ServerFile;
    return Number.isInteger(f.pid) && f.pid > 0 ? f : undefined;
  } catch {
    // Half written: its writer is alive and about to finish (files land by rename, so rarely seen).
    return undefined;
  }
}

/** The live owner, or undefined when the file is missing or stale. */
export function liveOwner(dataDir: string): ServerFile | undefined {
  const f = readServerFile(dataDir);
  return f && processAlive(f.pid) ? f : undefined;
}

export interface DataDirClaim {
  readonly token: string;
  /** Publishes the server's URL once it listens. */
  publish(url: string): void;
  release(): void;
}

const waitStepMs = 200;

/**
 * Claims the data directory for this process, waiting up to `waitMs` while a short-lived command
 * holds it; a running server (or a command that outlasts the wait) makes it `data_dir_busy`.
 */
export async function claimDataDir(
  dataDir: string,
  options: { role: ServerFile["role"]; waitMs: number },
): Promise<DataDirClaim> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = serverFilePath(dataDir);
  const token = options.role === "server" ? randomBytes(32).toString("base64url") : "";
  const mine: ServerFile = { pid: process.pid, role: options.role, ...(token ? { token } : {}) };
  const deadline = Date.now() + options.waitMs;
  let unreadable = 0;
  for (;;) {
    try {
      writeFileSync(path, JSON.stringify(mine), { mode: 0o600, flag: "wx" });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const owner = readServerFile(dataDir);
    if (owner && processAlive(owner.pid)) {
      if (owner.role === "server" || Date.now() >= deadline) {
        throw new ServerError("data_dir_busy", `${path} (pid ${owner.pid})`);
      }
      await new Promise((r) => setTimeout(r, waitStepMs));
      continue;
    }
    if (!owner && unreadable++ === 0) {
      // Perhaps caught between another claimant's create and write: look again before removing it.
      await new Promise((r) => setTimeout(r, waitStepMs));
      continue;
    }
    // Stale (its process is gone): take it over, but only if it is still the same stale file.
    const again = readServerFile(dataDir);
    if (again?.pid === owner?.pid) rmSync(path, { force: true });
  }
  let released = false;
  return {
    token,
    publish(url) {
      const tmp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
      writeFileSync(tmp, JSON.stringify({ ...mine, url }), { mode: 0o600 });
      renameSync(tmp, path);
    },
    release() {
      if (released) return;
      released = true;
      if (readServerFile(dataDir)?.pid === process.pid) rmSync(path, { force: true });
    },
  };
}
