// The real HTTP server (src/server) in this process, on a fresh database of either kind, with a CA
// (P-384: quick to make), one cooperative with members enrolled for internet banking, a clock the
// test moves, helpers to run OpenSSL against it from a scratch folder, and the failures our CMP
// client's refusal names.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { enrollUser } from "../../src/auth/users.ts";
import { openAccount } from "../../src/bank/accounts.ts";
import { createBranch, createCooperative } from "../../src/bank/federation.ts";
import { createMember } from "../../src/bank/members.ts";
import { activeCaKeys } from "../../src/ca/ca-keys.ts";
import { holdRenewalFee } from "../../src/certcenter/renewal-fee.ts";
import { fromHex, toBytes, toPem } from "../../src/pki/bytes.ts";
import { CmpRefusal } from "../../src/pki/cmp-client.ts";
import { X509Certificate } from "../../src/pki/x509.ts";
import type { ServerOptions } from "../../src/server/app.ts";
import type { App } from "../../src/server/context.ts";
import { deposit, TestClock, testRrn } from "./bank.ts";
import { type DbKind, freshDb } from "./db.ts";
import { listenLocally, testApp } from "./test-app.ts";

export interface CaServer {
  /** POSTs a PKIMessage to /pki/cmp (RFC 6712) and returns the answer. */
  cmp(der: Uint8Array<ArrayBuffer>): Promise<Uint8Array>;
  app: App;
  clock: TestClock;
  url: string;
  port: number;
  dir: string;
  /** chain.pem (issuing, root), root.pem, issuing.pem in `dir`. */
  files: { chain: string; root: string; issuing: string };
  users: { userId: string; rrn: string; realName: string }[];
  /**
   * Holds the renewal fee of a universal certificate, as its holder does in the certificate centre
   * before the kur (the CA refuses a universal renewal without it), on a funded account opened for
   * the holder.
   */
  payRenewal(certificate: Uint8Array): Promise<void>;
  /** Runs openssl without blocking this process (the server under test runs in it). */
  openssl(args: string[]): Promise<OpensslResult>;
  close(): Promise<void>;
}

export async function startCaServer(
  kind: DbKind,
  options: { at?: Date; requireVidRandom?: boolean; rateRules?: ServerOptions["rateRules"] } = {},
): Promise<CaServer> {
  const db = await freshDb(kind);
  const dir = mkdtempSync(join(tmpdir(), "geumgo-ca-"));
  const clock = new TestClock(options.at ?? new Date());
  const app = await testApp(db, {
    clock,
    dataDir: join(dir, "data"),
    withCa: true,
    env: options.requireVidRandom ? { GEUMGO_CA_REQUIRE_VID: "1" } : {},
  });
  const { bank } = app;
  await createCooperative(bank, { id: 1, code: "9002", name: "한빛새마을금고" });
  await createBranch(bank, { cooperativeId: 1, id: 1, code: "001", name: "본점" });
  const users: CaServer["users"] = [];
  for (const [userId, realName] of [
    ["hong2026", "홍길동"],
    ["kim2026", "김영희"],
  ] as const) {
    const rrn = testRrn();
    const m = await createMember(bank, { cooperativeId: 1, branchId: 1, realName, rrn });
    await enrollUser(db, {
      cooperativeId: 1,
      memberId: m.id,
      userId,
      password: "Temp!2026pass",
      mustChangePassword: false,
      at: clock.now(),
    });
    users.push({ userId, rrn, realName });
  }
  const { fastify, url, port } = await listenLocally(app, {
    logLevel: "warn",
    ...(options.rateRules ? { rateRules: options.rateRules } : {}),
  });

  const keys = await activeCaKeys(db);
  const pem = (role: string) => toPem("CERTIFICATE", keys.find((k) => k.role === role)!.certificate);
  const files = {
    chain: join(dir, "chain.pem"),
    root: join(dir, "root.pem"),
    issuing: join(dir, "issuing.pem"),
  };
  writeFileSync(files.chain, pem("issuing") + pem("root"));
  writeFileSync(files.root, pem("root"));
  writeFileSync(files.issuing, pem("issuing"));

  return {
    app,
    clock,
    url,
    port,
    dir,
    files,
    users,
    openssl: (args) => runOpenssl(dir, args),
    async payRenewal(certificate) {
      const serial = new X509Certificate(toBytes(certificate)).serialNumber.toLowerCase().padStart(32, "0");
      const { rows } = await db.query<{ holder: string }>(
        "SELECT holder FROM certificates WHERE serial = $1",
        [fromHex(serial)],
      );
      const [cooperativeId, memberId] = rows[0]!.holder.split(":").map(Number);
      const who = { cooperativeId: cooperativeId!, memberId: BigInt(memberId!) };
      const account = await openAccount(bank, { ...who, kind: "demand", pin: "0000" });
      await deposit(bank, account, 10_000n);
      await holdRenewalFee(app, who, { serial, account: account.number });
    },
    async cmp(der) {
      const r = await fetch(`${url}/pki/cmp`, {
        method: "POST",
        headers: { "content-type": "application/pkixcmp" },
        body: der,
      });
      if (r.status !== 200 || r.headers.get("content-type") !== "application/pkixcmp") {
        throw new Error(`POST /pki/cmp answered ${r.status} ${r.headers.get("content-type")}`);
      }
      return new Uint8Array(await r.arrayBuffer());
    },
    async close() {
      await fastify.close();
      await db.close();
    },
  };
}

/** openssl's exit status and what it printed (`openssl cmp` reports errors on stdout). */
export interface OpensslResult {
  status: number;
  stdout: string;
  stderr: string;
  output: string;
}

export function runOpenssl(cwd: string, args: string[]): Promise<OpensslResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr, output: stdout + stderr }));
  });
}

/** A fresh EC P-256 key in PEM, written to `dir/name`. */
export function newKeyFile(dir: string, name: string): string {
  const path = join(dir, name);
  execFileSync("openssl", [
    "genpkey",
    "-algorithm",
    "EC",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-out",
    path,
  ]);
  return path;
}

export function writeFile(dir: string, name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The failInfo names of our CMP client's refusal of `p`; a success or any other error fails the test. */
export async function refusalOf(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CmpRefusal) return e.failures;
    throw e;
  }
  throw new Error("the request was not refused");
}
