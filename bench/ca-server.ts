// The real CA server for the CMP and OCSP benches: a fresh database of either kind (a PostgreSQL
// one is dropped again on close), the CA key ceremony for the algorithm asked, and the Fastify
// server of src/server on 127.0.0.1 port 0, all in this process. Follows test/support/ca-server.ts.
// startBenchServer is that server without the CA ceremony, for the HTTP API bench.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AsnConvert } from "@peculiar/asn1-schema";
import type { FastifyInstance } from "fastify";
import pg from "pg";
import pino from "pino";
import { activeCaKeys, type CaKey, createCaHierarchy } from "../src/ca/ca-keys.ts";
import { type CaContext, caUrls } from "../src/ca/context.ts";
import { type Config, loadConfig } from "../src/config.ts";
import type { Db } from "../src/db/db.ts";
import { migrate } from "../src/db/migrate.ts";
import { openPglite } from "../src/db/pglite.ts";
import { openPostgres } from "../src/db/postgres.ts";
import { toPem } from "../src/pki/bytes.ts";
import type { CaKeyAlgorithm } from "../src/pki/ca-profile.ts";
import { personalSubjectName } from "../src/pki/profile.ts";
import { buildServer } from "../src/server/app.ts";
import { type App, contextsFor } from "../src/server/context.ts";

export type DbKind = "pglite" | "postgres";

const adminUrl = process.env.GEUMGO_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A new, migrated database; close() also drops a PostgreSQL one. */
export async function benchDb(kind: DbKind, poolSize = 20): Promise<Db> {
  if (kind === "pglite") {
    const db = await openPglite();
    await migrate(db);
    return db;
  }
  const name = `geumgo_bench_${randomBytes(6).toString("hex")}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = openPostgres(url.toString(), { poolSize });
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    throw e;
  }
  return {
    ...db,
    async close() {
      await db.close();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export interface BenchCaServer {
  app: App;
  ca: CaContext;
  url: string;
  port: number;
  /** A scratch folder holding issuing.pem, root.pem and chain.pem (issuing, root). */
  dir: string;
  files: { issuing: string; root: string; chain: string };
  issuingCertificate: Uint8Array;
  close(): Promise<void>;
}

export interface BenchServer {
  app: App;
  fastify: FastifyInstance;
  url: string;
  port: number;
  /** The scratch folder; the server's data folder is inside it. */
  dir: string;
  /** Stops the server, closes (and drops) the database and removes the folder. */
  close(): Promise<void>;
}

export interface BenchServerOptions {
  poolSize?: number;
  /** Runs before the App is made (the CA key ceremony, say) and gives the active CA keys. */
  prepare?(db: Db, config: Config): Promise<CaKey[]>;
  /** Makes the Fastify instance: by default buildServer, logging at warn. */
  build?(app: App): Promise<FastifyInstance>;
}

/**
 * The real server of src/server on a fresh database and 127.0.0.1 port 0, in this process, with
 * no scheduler: the benches run the maintenance they need themselves.
 */
export async function startBenchServer(kind: DbKind, options: BenchServerOptions = {}): Promise<BenchServer> {
  const db = await benchDb(kind, options.poolSize);
  const dir = mkdtempSync(join(tmpdir(), "geumgo-bench-"));
  const dispose = async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const config = loadConfig({
      GEUMGO_DATA: join(dir, "data"),
      GEUMGO_CA_PASSPHRASE: "bench passphrase, long enough",
      GEUMGO_RRN_KEY: randomBytes(32).toString("hex"),
      GEUMGO_RRN_INDEX_KEY: randomBytes(32).toString("hex"),
      GEUMGO_PIN_KEY: randomBytes(32).toString("hex"),
    });
    const caKeys = (await options.prepare?.(db, config)) ?? [];
    const { bank, ca } = contextsFor(config, db);
    const app: App = {
      config,
      db,
      bank,
      ca,
      setup: { caKeys, caCreated: false, demoCreated: false },
      close: () => db.close(),
    };
    // Warnings go to stderr, out of the Markdown the benches print on stdout.
    const build =
      options.build ?? ((a: App) => buildServer(a, { logLevel: "warn", logStream: pino.destination(2) }));
    const fastify = await build(app);
    await fastify.listen({ host: "127.0.0.1", port: 0 });
    const port = (fastify.server.address() as AddressInfo).port;
    return {
      app,
      fastify,
      url: `http://127.0.0.1:${port}`,
      port,
      dir,
      async close() {
        await fastify.close();
        await dispose();
      },
    };
  } catch (e) {
    await dispose();
    throw e;
  }
}

export async function startBenchCaServer(
  kind: DbKind,
  algorithm: CaKeyAlgorithm,
  options: { poolSize?: number } = {},
): Promise<BenchCaServer> {
  const server = await startBenchServer(kind, {
    ...options,
    async prepare(db, config) {
      await createCaHierarchy(db, {
        organization: "Geumgo Bench",
        algorithm,
        passphrase: config.caPassphrase,
        now: new Date(config.clock.now().getTime() - 86_400_000),
        actor: "bench",
      });
      return activeCaKeys(db);
    },
  });
  try {
    const { dir, url } = server;
    const { ca, setup } = server.app;
    ca.urls = caUrls(url);
    const cert = (role: string) => setup.caKeys.find((k) => k.role === role)!.certificate;
    const files = {
      issuing: join(dir, "issuing.pem"),
      root: join(dir, "root.pem"),
      chain: join(dir, "chain.pem"),
    };
    writeFileSync(files.issuing, toPem("CERTIFICATE", cert("issuing")));
    writeFileSync(files.root, toPem("CERTIFICATE", cert("root")));
    writeFileSync(files.chain, toPem("CERTIFICATE", cert("issuing")) + toPem("CERTIFICATE", cert("root")));
    return {
      app: server.app,
      ca,
      url,
      port: server.port,
      dir,
      files,
      issuingCertificate: cert("issuing"),
      close: server.close,
    };
  } catch (e) {
    await server.close();
    throw e;
  }
}

/** The subject Name (DER) of the benches' member certificates, as the CA's profile writes it. */
export function benchSubjectName(ca: CaContext): Uint8Array {
  return new Uint8Array(
    AsnConvert.serialize(
      personalSubjectName({
        realName: "홍길동",
        serialHint: "0099002",
        registrationUnit: "한빛새마을금고",
        organization: ca.organization,
      }),
    ),
  );
}

/** A new member key's SubjectPublicKeyInfo (P-256): the CA certifies each key once (certificates_one_per_key). */
export async function freshMemberSpki(): Promise<Uint8Array> {
  const memberKey = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  return new Uint8Array(await crypto.subtle.exportKey("spki", memberKey.publicKey));
}

/** OpenSSL without blocking this process's event loop (the server under test runs in it). */
export function opensslAsync(args: string[], cwd?: string): Promise<{ status: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      output += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      output += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ status: code ?? -1, output }));
  });
}

/** `openssl speed -seconds N <alg>`'s sign rate per second, single process (and with -multi when asked). */
export async function opensslSignRate(
  algorithm: CaKeyAlgorithm,
  seconds: number,
  multi?: number,
): Promise<number> {
  const name = algorithm === "RSA-3072" ? "rsa3072" : "ecdsap384";
  const args = ["speed", "-seconds", String(seconds), ...(multi ? ["-multi", String(multi)] : []), name];
  const { status, output } = await opensslAsync(args);
  if (status !== 0) throw new Error(`openssl speed failed: ${output}`);
  // "rsa 3072 bits 0.001190s 0.000035s    840.3  28571.4"
  // " 384 bits ecdsa (nistp384)   0.0010s   0.0008s   1000.0   1250.0"
  const pattern =
    algorithm === "RSA-3072"
      ? /rsa\s+3072 bits\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)/
      : /384 bits ecdsa \(nistp384\)\s+[\d.]+s\s+[\d.]+s\s+([\d.]+)/;
  const m = pattern.exec(output);
  if (!m) throw new Error(`cannot read openssl speed's output:\n${output}`);
  return Number(m[1]);
}

/** Runs a bench script in a child process under tsx, so that its work is off this event loop. */
export function runChild<T>(script: string, input: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${script} exited with ${code}`));
      try {
        resolve(JSON.parse(out) as T);
      } catch {
        reject(new Error(`${script} printed no result: ${out.slice(0, 500)}`));
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}
