// `geumgo serve` (and `npm start`): the HTTP server over the data directory or DATABASE_URL. An
// empty database is set up first (CA key ceremony, demo federation). SIGINT/SIGTERM stop it in
// order: jobs, HTTP, database (PGlite must be closed cleanly), then the server.json claim.
import type { AddressInfo } from "node:net";
import type { Command } from "commander";
import type { FastifyInstance } from "fastify";
import { loadConfig } from "../config.ts";
import { demoLogins } from "../demo/seed.ts";
import { buildServer } from "../server/app.ts";
import { type App, openApp } from "../server/context.ts";
import { type Jobs, startJobs } from "../server/jobs.ts";
import { claimDataDir, type DataDirClaim } from "../server/server-file.ts";
import { keysRecordedLine } from "./keys-recorded.ts";
import type { Output } from "./output.ts";

/** How long a starting server waits for a command that has the PGlite directory open. */
const waitForCommandMs = 30_000;

/** The address this machine reaches the server at (wildcard hosts listen on loopback too). */
function localUrl(host: string, port: number): string {
  if (host === "0.0.0.0" || host === "" || host === "localhost") return `http://127.0.0.1:${port}`;
  if (host === "::") return `http://[::1]:${port}`;
  return host.includes(":") ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      // A second signal while stopping is ignored: cutting PGlite's close short can damage it.
      process.on("SIGINT", () => {});
      process.on("SIGTERM", () => {});
      resolve(signal);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
}

export async function serve(out: Output): Promise<void> {
  // Listening from the start: a signal during the start-up (the key ceremony takes seconds) stops
  // the server as soon as it is up, rather than killing it halfway through writing PGlite.
  const signalled = waitForSignal();
  const config = loadConfig();
  for (const w of config.warnings) out.warn(w);
  let claim: DataDirClaim | undefined;
  let app: App | undefined;
  let server: FastifyInstance | undefined;
  let jobs: Jobs | undefined;
  const stop = async () => {
    await jobs?.stop();
    await server?.close();
    await app?.close();
    claim?.release();
  };
  try {
    if (!config.databaseUrl) {
      claim = await claimDataDir(config.dataDir, { role: "server", waitMs: waitForCommandMs });
    }
    app = await openApp(config, { setUp: true });
    server = await buildServer(app, claim ? { adminToken: claim.token } : {});
    await server.listen({ port: config.port, host: config.host });
    // With PORT=0 the certificates name the port actually chosen: buildServer saw to it on listening.
    const { port } = server.server.address() as AddressInfo;
    const url = localUrl(config.host, port);
    claim?.publish(url);
    jobs = startJobs(app, server.log);

    const checks = app.setup.keyChecks;
    if (checks && checks.recorded.length > 0) {
      const line = keysRecordedLine(out, checks.recorded, checks.existingDatabase);
      if (checks.existingDatabase) out.warn(line);
      else out.line(line);
    }
    if (app.setup.caCreated)
      out.line(out.t("인증기관 키를 만들었습니다 (키 생성식):", "CA keys created (key ceremony):"));
    for (const k of app.setup.caKeys)
      out.line(`  ${k.role.padEnd(8)} ${k.algorithm}  SHA-256 ${k.fingerprint}`);
    if (app.setup.demoCreated) {
      const m = demoLogins.member;
      const t = demoLogins.teller;
      out.line(
        out.t(
          `데모 금고를 만들었습니다. 회원 로그인: ${m.userId} / ${m.password}, 직원 로그인 (/teller): ${t.tellerId} / ${t.password}`,
          `demo cooperative created; member login: ${m.userId} / ${m.password}, teller login (/teller): ${t.tellerId} / ${t.password}`,
        ),
      );
    }
    if (config.publicUrl) out.line(`${out.t("공개 주소", "public URL")} ${config.publicUrl}`);
    // Last, so that whoever waits for this line has the whole banner.
    out.line(`${out.t("서버 주소", "listening on")} ${url} (${app.db.kind})`);
  } catch (e) {
    await stop();
    throw e;
  }
  const signal = await signalled;
  server.log.info({ signal }, "stopping");
  await stop();
  out.line(out.t("서버를 멈췄습니다", "server stopped"));
}

export function registerServeCommand(program: Command, out: Output): void {
  program
    .command("serve")
    .description(
      "run the HTTP server (PORT, HOST, GEUMGO_PUBLIC_URL); an empty database gets the CA and the demo cooperative",
    )
    .action(() => serve(out));
}
