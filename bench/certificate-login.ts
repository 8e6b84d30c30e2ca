// Certificate logins per second and their p99 through the member API (src/auth/certificate-login.ts),
// beside password logins through the same loader against the same server, and beside the bare
// signature check (verifyCms of src/pki/cms.ts over a login form) in the server's process at the
// same concurrency, in one run on PGlite and on PostgreSQL. Members and certificates are made as
// the branch and the CA make them: RSA-2048 member keys (the NPKI default) with a VID, issued by an
// RSA-3072 issuing CA (the server's default) and confirmed.
import { fileURLToPath } from "node:url";
import pino from "pino";
import { enrollUser } from "../src/auth/users.ts";
import { createBranch, createCooperative } from "../src/bank/federation.ts";
import { createMember } from "../src/bank/members.ts";
import { activeCaKeys, createCaHierarchy } from "../src/ca/ca-keys.ts";
import { confirmCertificate } from "../src/ca/confirmation.ts";
import { caUrls } from "../src/ca/context.ts";
import { issueCertificate } from "../src/ca/issuance.ts";
import { holderOf } from "../src/certcenter/authorize.ts";
import type { Queryable } from "../src/db/db.ts";
import { base64Encode } from "../src/pki/bytes.ts";
import { signCms, verifyCms } from "../src/pki/cms.ts";
import { loginFormBytes } from "../src/pki/login-form.ts";
import { computeVid } from "../src/pki/vid.ts";
import type { RateRules } from "../src/server/api/rate-limits.ts";
import { buildServer } from "../src/server/app.ts";
import { type BenchServer, benchSubjectName, type DbKind, runChild, startBenchServer } from "./ca-server.ts";
import type { CertificateMember, LoginLoadInput, LoginLoadResult } from "./certificate-login-load.ts";
import { concurrency, drive, seconds } from "./transfers.ts";

const membersCount = Number(process.env.BENCH_CERT_MEMBERS ?? 50);
const warmupSeconds = 1;
const password = "Bench!2026pass";
const cooperativeId = 1;
const loadScript = fileURLToPath(new URL("./certificate-login-load.ts", import.meta.url));

/** One address logs everyone in: the login limits are raised, and still counted on every request. */
const benchRateRules: Partial<RateRules> = {
  loginPerAddress: { max: 1_000_000, windowMs: 60_000 },
  loginPerUser: { max: 1_000_000, windowMs: 60_000 },
  challengePerAddress: { max: 1_000_000, windowMs: 60_000 },
};

interface Fixture {
  server: BenchServer;
  members: (CertificateMember & { key: CryptoKey; certificateDer: Uint8Array })[];
}

async function fixture(kind: DbKind): Promise<Fixture> {
  const server = await startBenchServer(kind, {
    poolSize: concurrency,
    async prepare(db, config) {
      await createCaHierarchy(db, {
        organization: "Geumgo Bench",
        algorithm: "RSA-3072",
        passphrase: config.caPassphrase,
        now: new Date(config.clock.now().getTime() - 86_400_000),
        actor: "bench",
      });
      return activeCaKeys(db);
    },
    build: (app) =>
      buildServer(app, { logLevel: "warn", logStream: pino.destination(2), rateRules: benchRateRules }),
  });
  try {
    const { bank, db, ca } = server.app;
    // The origin the login form names is the server's public one: here, where it listens.
    ca.urls = caUrls(server.url);
    await createCooperative(bank, { id: cooperativeId, code: "9002", name: "벤치새마을금고" });
    await createBranch(bank, { cooperativeId, id: 1, code: "001", name: "본점" });
    const now = bank.clock.now();
    const members: Fixture["members"] = [];
    for (let i = 0; i < membersCount; i++) {
      const rrn = `9001011${String(i).padStart(6, "0")}`;
      const member = await createMember(bank, { cooperativeId, branchId: 1, realName: `회원${i}`, rrn });
      const userId = `bench${String(i).padStart(4, "0")}`;
      await enrollUser(db, {
        cooperativeId,
        memberId: member.id,
        userId,
        password,
        mustChangePassword: false,
        at: now,
      });
      const keys = (await crypto.subtle.generateKey(
        {
          name: "RSASSA-PKCS1-v1_5",
          modulusLength: 2048,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: "SHA-256",
        },
        true,
        ["sign", "verify"],
      )) as CryptoKeyPair;
      const random = crypto.getRandomValues(new Uint8Array(20));
      const holder = holderOf(cooperativeId, member.id);
      const issued = await issueCertificate(ca, {
        holder,
        purpose: "bank",
        subjectName: benchSubjectName(ca),
        publicKey: new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey)),
        notBefore: now,
        notAfter: new Date(now.getTime() + 365 * 86_400_000),
        identifyData: { realName: `회원${i}`, hash: "sha256", vid: await computeVid({ rrn, random }) },
        actor: "bench",
      });
      await confirmCertificate(ca, { serial: issued.serial, holder, rejected: false });
      members.push({
        userId,
        certificate: base64Encode(issued.der),
        certificateDer: issued.der,
        privateKey: base64Encode(new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey))),
        vidRandom: base64Encode(random),
        key: keys.privateKey,
      });
    }
    return { server, members };
  } catch (e) {
    await server.close();
    throw e;
  }
}

async function countSessions(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM sessions");
  return rows[0]!.n;
}

interface Run {
  result: LoginLoadResult;
  rate: number;
  /** CPU ms of the server's process per login (the loader is another process). */
  cpuMs: number;
}

async function load(f: Fixture, work: LoginLoadInput): Promise<Run> {
  const { db } = f.server.app;
  const before = await countSessions(db);
  const cpu0 = process.cpuUsage();
  const result = await runChild<LoginLoadResult>(loadScript, work);
  // Until the count stands still: the logins the loader left in flight are finished.
  let last = -1;
  for (let n = await countSessions(db); n !== last; n = await countSessions(db)) {
    last = n;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    result,
    rate: result.ok / result.seconds,
    cpuMs: (cpu.user + cpu.system) / 1000 / Math.max(1, last - before),
  };
}

interface Row {
  kind: DbKind;
  certificate: Run;
  password: Run;
  /** verifyCms over a login form, in this process at the same concurrency. */
  verify: { rate: number; cpuMs: number };
}

async function measure(kind: DbKind): Promise<Row> {
  const f = await fixture(kind);
  try {
    const settings = { url: f.server.url, connections: concurrency, seconds, warmupSeconds };
    const certificate = await load(f, {
      ...settings,
      kind: "certificate",
      members: f.members.map(({ userId, certificate, privateKey, vidRandom }) => ({
        userId,
        certificate,
        privateKey,
        vidRandom,
      })),
    });
    const password_ = await load(f, {
      ...settings,
      kind: "password",
      users: f.members.map((m) => ({ userId: m.userId, password })),
    });
    // The bare check: the same forms and signatures the server checks, made beforehand.
    const signed = await Promise.all(
      f.members.map(async (m, i) => {
        const content = loginFormBytes({
          challenge: `bench-challenge-${String(i).padStart(8, "0")}`,
          origin: f.server.url,
        });
        return {
          content,
          signature: await signCms({ content, certificate: m.certificateDer, privateKey: m.key }),
        };
      }),
    );
    let next = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const rate = await drive(async () => {
      const s = signed[next++ % signed.length]!;
      await verifyCms(s);
      return true;
    });
    const cpu = process.cpuUsage(cpu0);
    const done = (rate * (performance.now() - t0)) / 1000;
    return {
      kind,
      certificate,
      password: password_,
      verify: { rate, cpuMs: (cpu.user + cpu.system) / 1000 / done },
    };
  } finally {
    await f.server.close();
  }
}

const f0 = (x: number) => x.toFixed(0);
const ms = (x: number | undefined | null) =>
  x === undefined || x === null || Number.isNaN(x) ? "—" : x < 10 ? x.toFixed(1) : x.toFixed(0);
const dbName = (kind: DbKind) => (kind === "pglite" ? "PGlite" : "PostgreSQL");

export async function benchCertificateLogin(): Promise<string[]> {
  const rows: Row[] = [];
  for (const kind of ["pglite", "postgres"] as const) rows.push(await measure(kind));
  const failures = rows.flatMap((r) =>
    (["certificate", "password"] as const)
      .filter((k) => r[k].result.failed > 0)
      .map(
        (k) =>
          `- **${dbName(r.kind)}, ${k} logins: ${r[k].result.failed} failed**; first: ${r[k].result.firstFailure ?? "—"}`,
      ),
  );
  return [
    `${membersCount} members, each enrolled with a password and holding an RSA-2048 certificate with a VID from an RSA-3072 issuing CA; a loader in a child process over ${concurrency} keep-alive connections to 127.0.0.1, ${seconds} s per run after a ${warmupSeconds} s warm-up. A certificate login is a challenge, the form signed in the loader (as the browser would), and the login; p50/p99 are of the login POST, the challenge timed apart. verifyCms alone runs in the server's process at the same concurrency.`,
    "",
    "| database | certificate logins/s | login p50 / p99 ms | challenge p50 / p99 ms | server CPU ms / login | password logins/s | p50 / p99 ms | server CPU ms / login | verifyCms/s | CPU ms / verify | failed |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => {
      const c = r.certificate.result;
      const p = r.password.result;
      return `| ${dbName(r.kind)} | ${f0(r.certificate.rate)} | ${ms(c.loginP50)} / ${ms(c.loginP99)} | ${ms(c.challengeP50)} / ${ms(c.challengeP99)} | ${ms(r.certificate.cpuMs)} | ${f0(r.password.rate)} | ${ms(p.loginP50)} / ${ms(p.loginP99)} | ${ms(r.password.cpuMs)} | ${f0(r.verify.rate)} | ${ms(r.verify.cpuMs)} | ${c.failed + p.failed} |`;
    }),
    "",
    `Signing a form in the loader (client side, RSA-2048): p50 ${rows.map((r) => `${ms(r.certificate.result.signP50)} ms`).join(", ")}.`,
    ...failures,
  ];
}
