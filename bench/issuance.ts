// Certificate issuances per second through CMP (ir/ip + certConf/pkiConf over HTTP, the real
// server in this process, concurrent members in a child process) against `openssl speed`'s sign
// rate for the same CA key type, on PGlite and on PostgreSQL; and where the time goes: the sign
// rate through WebCrypto, building a certificate, the database's part, the PBM, CPU per issuance.
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { AsnConvert } from "@peculiar/asn1-schema";
import { createAuthorization } from "../src/ca/authorizations.ts";
import { type CaContext, issuingCa } from "../src/ca/context.ts";
import { type IssueRequest, issueCertificate } from "../src/ca/issuance.ts";
import { nodeDigest } from "../src/ca/pbm-keys.ts";
import { authorizationLifetimeMs } from "../src/certcenter/rules.ts";
import { type CaKeyAlgorithm, caSign, caSigningAlgorithm } from "../src/pki/ca-profile.ts";
import { type CmpTransport, enrol } from "../src/pki/cmp-client.ts";
import { newPbmParameter, pbmKey } from "../src/pki/cmp-pbm.ts";
import {
  newSerialNumber,
  personalSubjectName,
  preparePersonalProfile,
  signPersonalCertificate,
} from "../src/pki/profile.ts";
import { type DbKind, opensslSignRate, runChild, startBenchCaServer } from "./ca-server.ts";
import type { CmpClientsResult } from "./cmp-clients.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
/** Members enrolling at once. */
const concurrency = 16;
/** OpenSSL's default PBM iteration count (`openssl cmp`), so the MAC's hashing stays a small part. */
const pbmIterations = 500;
const warmup = 4;
const authorizationsMax = Number(process.env.BENCH_CMP_AUTHORIZATIONS ?? 800);
const aim = 0.7;
const clientsScript = fileURLToPath(new URL("./cmp-clients.ts", import.meta.url));

/** Operations per second with `inFlight` callers looping on `fn` for `secs` seconds. */
async function rate(inFlight: number, secs: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  let n = 0;
  const t0 = performance.now();
  const deadline = t0 + secs * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) await fn(n++);
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

function memberKeys(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ]) as Promise<CryptoKeyPair>;
}

function httpSend(url: string): CmpTransport {
  return async (der) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/pkixcmp" },
      body: der,
    });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  };
}

function subjectFor(ca: CaContext, i: number): Uint8Array {
  const name = personalSubjectName({
    realName: "홍길동",
    serialHint: `0099002${String(i).padStart(12, "0")}`,
    registrationUnit: "한빛새마을금고",
    organization: ca.organization,
  });
  return new Uint8Array(AsnConvert.serialize(name));
}

function rrnFor(i: number): string {
  return `900101${String(1_000_000 + (i % 1_000_000))
    .slice(1)
    .padStart(7, "1")}`;
}

interface Row {
  algorithm: CaKeyAlgorithm;
  kind: DbKind;
  issuances: number;
  clients: CmpClientsResult;
  serverCpuMs: number;
  signOne: number;
  signMany: number;
  build: number;
  store: number;
}

async function measure(kind: DbKind, algorithm: CaKeyAlgorithm, expectedRate: number): Promise<Row> {
  const server = await startBenchCaServer(kind, algorithm, { poolSize: concurrency + 4 });
  try {
    const { ca } = server;
    // Enough authorisations for the run at twice the expected rate (capped: making them takes time
    // too), each for its own holder, since one member holds one live certificate per purpose. If
    // they run out the clients stop early, and the rate is over the time they ran.
    const count = Math.min(Math.ceil(expectedRate * 2 * seconds), authorizationsMax) + warmup;
    const auths: { referenceNumber: string; authorizationCode: string }[] = new Array(count);
    let made = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = made++; i < count; i = made++) {
          const a = await createAuthorization(ca, {
            holder: `1:${100_000 + i}`,
            purpose: "bank",
            channel: "branch",
            lifetimeMs: authorizationLifetimeMs.branch,
            subjectName: subjectFor(ca, i),
            realName: "홍길동",
            rrn: rrnFor(i),
            actor: "bench",
          });
          auths[i] = { referenceNumber: a.referenceNumber, authorizationCode: a.authorizationCode };
        }
      }),
    );

    // Warm-up here, off the clock: the server unseals its issuing key and makes its OCSP signer.
    for (const a of auths.splice(0, warmup)) {
      await enrol({
        ...a,
        send: httpSend(`${server.url}/pki/cmp`),
        keys: await memberKeys(),
        iterations: pbmIterations,
      });
    }
    const cpu0 = process.cpuUsage();
    const clients = await runChild<CmpClientsResult>(clientsScript, {
      url: server.url,
      auths,
      concurrency,
      seconds,
      iterations: pbmIterations,
    });
    const cpu = process.cpuUsage(cpu0);
    if (clients.errors.length > 0) throw new Error(`enrolments failed: ${clients.errors.join("; ")}`);
    const issuances = clients.issued / clients.seconds;
    // The server's CPU (all its threads) per issuance; the child's start and key generation fall
    // in the window too, when the server idles.
    const serverCpuMs = (cpu.user + cpu.system) / 1000 / clients.issued;

    // Where the time goes, on the same CA key and database.
    const issuing = await issuingCa(ca);
    const tbs = crypto.getRandomValues(new Uint8Array(1200));
    const signOne = await rate(1, 2, () => caSign(algorithm, issuing.privateKey, tbs));
    const signMany = await rate(concurrency, 2, () => caSign(algorithm, issuing.privateKey, tbs));
    const memberKey = await memberKeys();
    const spki = new Uint8Array(await crypto.subtle.exportKey("spki", memberKey.publicKey));
    // The CA certifies each key once (certificates_one_per_key): the store step makes a P-256 key
    // per certificate, which adds some 0.1 ms to each.
    const freshSpki = async () =>
      new Uint8Array(await crypto.subtle.exportKey("spki", (await memberKeys()).publicKey));
    const now = ca.clock.now();
    const notAfter = new Date(now.getTime() + 365 * 86_400_000);
    // As the CA builds them: the profile prepared once, then one DER certificate and one signature each.
    const profile = await preparePersonalProfile({
      issuer: { certificate: issuing.certificate },
      signingKey: issuing.privateKey,
      signingAlgorithm: caSigningAlgorithm(algorithm),
      crlUrl: ca.urls.crl,
      ocspUrl: ca.urls.ocsp,
      caIssuersUrl: ca.urls.caIssuers,
    });
    const build = await rate(concurrency, 2, (i) =>
      signPersonalCertificate(profile, {
        publicKey: spki,
        subject: subjectFor(ca, i),
        serialNumber: newSerialNumber(),
        notBefore: now,
        notAfter,
        purpose: "bank",
      }),
    );
    const store = await rate(concurrency, 2, async (i) => {
      const req: IssueRequest = {
        holder: `2:${i}`,
        purpose: "bank",
        subjectName: subjectFor(ca, i),
        publicKey: await freshSpki(),
        notBefore: now,
        notAfter,
        actor: "bench",
      };
      return issueCertificate(ca, req);
    });
    return { algorithm, kind, issuances, clients, serverCpuMs, signOne, signMany, build, store };
  } finally {
    await server.close();
  }
}

export async function benchIssuance(): Promise<string[]> {
  const algorithms: CaKeyAlgorithm[] = (process.env.BENCH_CA_ALGORITHMS ?? "RSA-3072,P-384")
    .split(",")
    .map((a) => a.trim() as CaKeyAlgorithm);
  const pbmSecret = new TextEncoder().encode("1234567890123456");
  // The client derives with @noble/hashes (src/pki runs in the browser), the server with Node's hash.
  const pbmMs =
    1000 / (await rate(1, 1, () => pbmKey(pbmSecret, newPbmParameter(pbmIterations)).then(() => undefined)));
  const serverPbmMs =
    1000 /
    (await rate(1, 1, () =>
      pbmKey(pbmSecret, newPbmParameter(pbmIterations), crypto, nodeDigest).then(() => undefined),
    ));
  const rows: Row[] = [];
  const baselines = new Map<CaKeyAlgorithm, number>();
  for (const algorithm of algorithms) {
    // The machine is shared: OpenSSL is measured before and after ours, and the better figure kept.
    const before = await opensslSignRate(algorithm, 3);
    const measured: Row[] = [];
    for (const kind of ["pglite", "postgres"] as const) measured.push(await measure(kind, algorithm, before));
    const after = await opensslSignRate(algorithm, 3);
    baselines.set(algorithm, Math.max(before, after));
    rows.push(...measured);
  }
  const f = (x: number) => x.toFixed(0);
  const lines = [
    `${concurrency} members enrol at once (our CMP client in a child process: ir/ip + certConf/pkiConf, PBM with ${pbmIterations} iterations), ${seconds} s per run; the server and database in this process (PostgreSQL: its own processes). ${cpus().length} cores shared by all.`,
    "",
    "| CA key | database | issuances/s (CMP) | openssl speed sign/s (1 process) | ours / OpenSSL | aim 0.70 |",
    "|---|---|---|---|---|---|",
    ...rows.map((r) => {
      const base = baselines.get(r.algorithm)!;
      const ratio = r.issuances / base;
      return `| ${r.algorithm} | ${r.kind === "pglite" ? "PGlite" : "PostgreSQL"} | ${f(r.issuances)}${r.clients.exhausted ? ` (all ${r.clients.issued} in ${r.clients.seconds.toFixed(1)} s)` : ""} | ${f(base)} | ${ratio.toFixed(2)} | ${ratio >= aim ? "met" : "not met"} |`;
    }),
    "",
    "Where the time goes (the same CA key and database, in the server's process; per second):",
    "",
    `| CA key | database | WebCrypto sign, 1 at a time | WebCrypto sign, ${concurrency} at a time | build + sign a certificate | + reserve, audit, store (issueCertificate) | full CMP issuance | server CPU ms / issuance | client CPU ms / issuance |`,
    "|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.algorithm} | ${r.kind === "pglite" ? "PGlite" : "PostgreSQL"} | ${f(r.signOne)} | ${f(r.signMany)} | ${f(r.build)} | ${f(r.store)} | ${f(r.issuances)} | ${r.serverCpuMs.toFixed(1)} | ${(r.clients.cpuMs / r.clients.issued).toFixed(1)} |`,
    ),
    "",
    `One PBM key (${pbmIterations} iterations of SHA-256, then HMAC key import): ${pbmMs.toFixed(2)} ms in our client, ${serverPbmMs.toFixed(2)} ms in the server; an issuance derives it twice: the client once for its transaction, the server once for the ir (it keeps the key that verified for the certConf).`,
    "",
    `What the aim leaves an issuance, against the part of it no CA can skip (one CA signature at the 1-at-a-time rate above, and the two PBM derivations): the CPU of ${cpus().length} cores at ${aim} of OpenSSL's sign rate, shared by server, client and database.`,
    "",
    "| CA key | CPU ms an issuance may cost at the aim | signature + 2 PBM derivations, ms | left for HTTP, parsing, VID, database |",
    "|---|---|---|---|",
    ...algorithms.map((algorithm) => {
      const budget = (cpus().length * 1000) / (aim * baselines.get(algorithm)!);
      const signOne = Math.max(...rows.filter((r) => r.algorithm === algorithm).map((r) => r.signOne));
      const floor = 1000 / signOne + pbmMs + serverPbmMs;
      return `| ${algorithm} | ${budget.toFixed(2)} | ${floor.toFixed(2)} | ${(budget - floor).toFixed(2)} |`;
    }),
  ];
  return lines;
}
