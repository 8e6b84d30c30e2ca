// Runs an operator command (src/server/operations.ts) where the data is: through the running
// server when it holds the PGlite data directory (PGlite admits one process), otherwise directly
// on the database, claiming the PGlite directory for the time of the command. PostgreSQL is
// shared by any number of processes, so with DATABASE_URL commands always run directly.
import { type Config, loadConfig } from "../config.ts";
import { openApp } from "../server/context.ts";
import { errorReply, ServerError } from "../server/errors.ts";
import { findOperation, type OperationArgs } from "../server/operations.ts";
import { claimDataDir, liveOwner, type ServerFile } from "../server/server-file.ts";
import { keysRecordedLine } from "./keys-recorded.ts";
import type { Output } from "./output.ts";

type Message = { ko: string; en: string };

/** A refusal with its code and its words, the same whether the server or this process said it. */
export class OperationFailed extends Error {
  override readonly name = "OperationFailed";
  constructor(
    readonly code: string,
    readonly text: Message,
    /** The server's request id, to find its log lines (remote internal errors). */
    readonly requestId?: string,
  ) {
    super(code);
  }
}

/** How long a command waits for a starting server (the first start runs the key ceremony). */
const waitForOwnerMs = 120_000;
const requestTimeoutMs = 120_000;

/** The refusal for a known error (same code and words as the server sends); unknown errors stay themselves. */
export function asOperationFailed(e: unknown): unknown {
  const { body } = errorReply(e);
  // An unknown error stays itself, so that the command reports it (and its stack) as a bug.
  if (body.error.code === "internal") return e;
  return new OperationFailed(body.error.code, body.error.message);
}

async function runDirect(config: Config, name: string, args: OperationArgs, out: Output): Promise<unknown> {
  const op = findOperation(name);
  const app = await openApp(config);
  const checks = app.setup.keyChecks;
  // On stderr: stdout may be a JSON document. A new database's values need no word here.
  if (checks?.existingDatabase && checks.recorded.length > 0) {
    out.warn(keysRecordedLine(out, checks.recorded, true));
  }
  try {
    return await op.run(app, args);
  } finally {
    await app.close();
  }
}

async function callServer(owner: Required<ServerFile>, name: string, args: OperationArgs): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${owner.url}/admin/operations/${encodeURIComponent(name)}`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner.token}`, "content-type": "application/json" },
      body: JSON.stringify(args),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
  } catch {
    throw new ServerError("server_unreachable", `${owner.url} (pid ${owner.pid})`);
  }
  const requestId = response.headers.get("x-request-id") ?? undefined;
  const body = (await response.json().catch(() => undefined)) as
    | { result?: unknown; error?: { code?: unknown; message?: Partial<Message> } }
    | undefined;
  if (response.ok && body && "result" in body) return body.result;
  const e = body?.error;
  if (typeof e?.code === "string" && typeof e.message?.ko === "string" && typeof e.message.en === "string") {
    throw new OperationFailed(e.code, { ko: e.message.ko, en: e.message.en }, requestId);
  }
  throw new OperationFailed(
    "internal",
    {
      ko: `서버가 알 수 없는 응답을 했습니다 (HTTP ${response.status})`,
      en: `the server answered HTTP ${response.status}`,
    },
    requestId,
  );
}

async function runOn(config: Config, name: string, args: OperationArgs, out: Output): Promise<unknown> {
  if (config.databaseUrl) return runDirect(config, name, args, out);
  const deadline = Date.now() + waitForOwnerMs;
  for (;;) {
    const owner = liveOwner(config.dataDir);
    if (owner?.role === "server" && owner.url && owner.token) {
      return callServer(owner as Required<ServerFile>, name, args);
    }
    if (owner) {
      // A server still starting, or another command: wait for it to listen or to finish.
      if (Date.now() >= deadline) throw new ServerError("data_dir_busy", `pid ${owner.pid}`);
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    let claim: Awaited<ReturnType<typeof claimDataDir>>;
    try {
      claim = await claimDataDir(config.dataDir, { role: "command", waitMs: 0 });
    } catch (e) {
      // Someone claimed it between our look and our claim: look again.
      if (e instanceof ServerError && e.code === "data_dir_busy") continue;
      throw e;
    }
    try {
      return await runDirect(config, name, args, out);
    } finally {
      claim.release();
    }
  }
}

/** Runs the named operation and returns its JSON answer; refusals arrive as OperationFailed. */
export async function runOperation(name: string, args: OperationArgs, out: Output): Promise<unknown> {
  const config = loadConfig();
  for (const w of config.warnings) out.warn(w);
  try {
    return await runOn(config, name, args, out);
  } catch (e) {
    throw e instanceof OperationFailed ? e : asOperationFailed(e);
  }
}
