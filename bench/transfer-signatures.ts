// Transfers per second through the member API with and without the certificate signature (DESIGN
// §5), on one server and one fixture in one run: first the members hold no certificate and send PIN
// and security card alone; then each is issued an RSA-2048 certificate by the server's own RSA-3072
// CA and every transfer carries a CMS signature over its canonical form. The signatures are made
// ahead of the run (the member's browser makes them, not the server), under nonces the challenge
// would have given. Beside them, the server's CPU per signature check: the whole check
// (checkTransferSignature, with its two statements) at the bench's concurrency, and its
// cryptography alone (CMS and certificate signature) one after another.
import { createHash, randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { createSession } from "../src/auth/sessions.ts";
import { createCaHierarchy } from "../src/ca/ca-keys.ts";
import { issuingCa } from "../src/ca/context.ts";
import { holderOf } from "../src/certcenter/authorize.ts";
import { issueSignatureNonce } from "../src/certcenter/transfer-nonces.ts";
import { checkTransferSignature } from "../src/certcenter/transfer-signatures.ts";
import { base64Encode } from "../src/pki/bytes.ts";
import { caSigningAlgorithm } from "../src/pki/ca-profile.ts";
import { signCms, verifyCms } from "../src/pki/cms.ts";
import { issuePersonalCertificate, newSerialNumber, personalSubjectName } from "../src/pki/profile.ts";
import { generateKeyParams } from "../src/pki/signature-algorithms.ts";
import { buildTransferForm, transferFormTime } from "../src/pki/transfer-form.ts";
import { defaultRateRules } from "../src/server/api/rate-limits.ts";
import { sessionCookies } from "../src/server/api/session-hooks.ts";
import type { DbKind } from "./ca-server.ts";
import {
  amount,
  type BenchMember,
  baseline,
  better,
  cooperativeId,
  dbName,
  type Fixture,
  f0,
  failures,
  fixture,
  load,
  type Measured,
  ms,
  sessionsPerMember,
  transfersDone,
} from "./http-api.ts";
import type { BenchSession, LoadResult, SignedTransfer, TransferMember } from "./http-api-load.ts";
import { checkConserved } from "./transfers.ts";

/** Signed ahead per member: more than a run of a few seconds can send at the rates seen here. */
const signedPerMember = Number(process.env.BENCH_SIGNED_PER_MEMBER ?? 60);
const perSession = defaultRateRules.codeEntryPerSession.max;
const dayMs = 86_400_000;

interface MemberSession extends BenchSession {
  sessionId: string;
}

async function sessionsOf(f: Fixture, m: BenchMember, count: number): Promise<MemberSession[]> {
  const sessions: MemberSession[] = [];
  for (let k = 0; k < count; k++) {
    const s = await createSession(
      f.server.app.db,
      { kind: "member", cooperativeId, memberId: m.memberId },
      f.bank.clock.now(),
    );
    sessions.push({
      cookie: `${sessionCookies.member}=${s.token}`,
      csrf: s.csrfToken,
      sessionId: s.session.sessionId,
    });
  }
  return sessions;
}

interface Certified {
  der: Uint8Array;
  privateKey: CryptoKey;
}

/** The CA key ceremony on the server's database, and a certificate for each member's key. */
async function certify(f: Fixture, keys: CryptoKeyPair[]): Promise<Certified[]> {
  const { app } = f.server;
  const now = f.bank.clock.now();
  await createCaHierarchy(app.db, {
    organization: "Geumgo Bench",
    algorithm: "RSA-3072",
    passphrase: app.config.caPassphrase,
    now: new Date(now.getTime() - dayMs),
    actor: "bench",
  });
  const issuing = await issuingCa(app.ca);
  return Promise.all(
    f.members.map(async (m, i) => {
      const pair = keys[i]!;
      const serial = newSerialNumber();
      const notBefore = new Date(now.getTime() - 3_600_000);
      const notAfter = new Date(now.getTime() + 365 * dayMs);
      const der = await issuePersonalCertificate({
        issuer: { certificate: issuing.certificate },
        signingKey: issuing.privateKey,
        signingAlgorithm: caSigningAlgorithm(issuing.algorithm),
        publicKey: pair.publicKey,
        subject: personalSubjectName({
          realName: `회원${i}`,
          serialHint: `0099002${String(m.memberId).padStart(12, "0")}`,
          registrationUnit: "벤치새마을금고",
          organization: "Geumgo Bench",
        }),
        serialNumber: serial,
        notBefore,
        notAfter,
        purpose: "bank",
        crlUrl: app.ca.urls.crl,
        ocspUrl: app.ca.urls.ocsp,
      });
      const spki = new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
      await app.db.query(
        `INSERT INTO certificates (serial, issuer_key_id, holder, purpose, status, der, subject, not_before,
                                   not_after, spki_sha256, created_at)
         VALUES ($1, $2, $3, 'bank', 'valid', $4, $5, $6, $7, $8, $9)`,
        [
          serial,
          issuing.id,
          holderOf(cooperativeId, m.memberId),
          der,
          `CN=bench${i}`,
          notBefore,
          notAfter,
          createHash("sha256").update(spki).digest(),
          now,
        ],
      );
      return { der, privateKey: pair.privateKey };
    }),
  );
}

/** One signed transfer as the member's browser makes it, under a nonce of that session. */
async function signOne(
  f: Fixture,
  m: BenchMember,
  cert: Certified,
  session: MemberSession,
  to: string,
): Promise<SignedTransfer> {
  const now = f.bank.clock.now();
  const { nonce } = await issueSignatureNonce(
    f.server.app.db,
    { cooperativeId, memberId: m.memberId, sessionId: session.sessionId },
    now,
  );
  const idempotencyKey = randomUUID();
  const signedAt = transferFormTime(now);
  const form = buildTransferForm({
    from: m.fromAccount.replaceAll("-", ""),
    to: to.replaceAll("-", ""),
    amount: String(amount),
    memo: null,
    time: signedAt,
    idempotencyKey,
    nonce,
  });
  const der = await signCms({
    content: form,
    certificate: cert.der,
    privateKey: cert.privateKey,
    signingTime: now,
  });
  return { idempotencyKey, toAccount: to, signature: base64Encode(der), signedAt, signatureNonce: nonce };
}

/** The loader's members: fresh sessions, and with `certs`, signed transfers in the order they go. */
async function loaderMembers(f: Fixture, certs?: Certified[]): Promise<TransferMember[]> {
  const recipients = f.members.map((m) => m.fromAccount);
  return Promise.all(
    f.members.map(async (m, i) => {
      const count = certs ? Math.ceil(signedPerMember / perSession) : sessionsPerMember;
      const sessions = await sessionsOf(f, m, count);
      const member: TransferMember = { fromAccount: m.fromAccount, pin: m.pin, card: m.card, sessions };
      if (certs) {
        const signed: SignedTransfer[] = [];
        for (let k = 0; k < signedPerMember; k++) {
          const to = recipients[(i + 1 + (k % (recipients.length - 1))) % recipients.length]!;
          signed.push(await signOne(f, m, certs[i]!, sessions[Math.floor(k / perSession)]!, to));
        }
        member.signed = signed;
      }
      return member;
    }),
  );
}

function transferWork(f: Fixture, members: TransferMember[]) {
  return {
    kind: "transfer" as const,
    members,
    recipients: f.members.map((m) => m.fromAccount),
    amount: String(amount),
    codeEntriesPerSession: perSession,
  };
}

interface Row {
  kind: DbKind;
  unsigned: Measured & { result: LoadResult };
  signed: Measured & { result: LoadResult };
  /** checkTransferSignature at the bench's concurrency: nonce and certificate read, CMS and chain checked. */
  check: Measured;
  /** verifyCms alone (reading the SignedData, digest, signature), one after another. */
  cmsCpuMs: number;
  /** A bare RSA-2048 verification by WebCrypto, the key imported already. */
  rsaCpuMs: number;
}

/** CPU ms per call of `op`, called `n` times one after another. */
async function cpuPerCall(n: number, op: () => Promise<unknown>): Promise<number> {
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await op();
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / 1000 / n;
}

async function measure(kind: DbKind, keys: CryptoKeyPair[]): Promise<Row> {
  const f = await fixture(kind);
  try {
    const unsigned = await load(f, transferWork(f, await loaderMembers(f)), transfersDone);
    const certs = await certify(f, keys);
    const signedMembers = await loaderMembers(f, certs);
    const signed = await load(f, transferWork(f, signedMembers), transfersDone);

    // One signature checked over and over: checking spends no nonce (the posting does).
    const m = f.members[0]!;
    const [session] = await sessionsOf(f, m, 1);
    const sample = await signOne(f, m, certs[0]!, session!, f.members[1]!.fromAccount);
    const claim = {
      signature: Buffer.from(sample.signature, "base64"),
      signedAt: sample.signedAt,
      nonce: sample.signatureNonce,
    };
    const who = { cooperativeId, memberId: m.memberId, sessionId: session!.sessionId };
    const transfer = {
      from: m.fromAccount.replaceAll("-", ""),
      to: sample.toAccount.replaceAll("-", ""),
      amount: String(amount),
      memo: null,
      idempotencyKey: sample.idempotencyKey,
    };
    const ctx = { db: f.server.app.db, clock: f.bank.clock };
    const checkOnce = async () => Boolean(await checkTransferSignature(ctx, who, transfer, claim));
    const check = better(await baseline(checkOnce), await baseline(checkOnce));
    const form = buildTransferForm({ ...transfer, time: sample.signedAt, nonce: sample.signatureNonce });
    const cmsCpuMs = await cpuPerCall(500, () => verifyCms({ signature: claim.signature, content: form }));
    // The floor: one RSA-2048 signature verified by WebCrypto with the key already imported.
    const publicKey = keys[0]!.publicKey;
    const signature = new Uint8Array(
      await crypto.subtle.sign("RSASSA-PKCS1-v1_5", certs[0]!.privateKey, form),
    );
    const rsaCpuMs = await cpuPerCall(500, () =>
      crypto.subtle.verify("RSASSA-PKCS1-v1_5", publicKey, signature, form),
    );
    await checkConserved(f.server.app.db);
    return { kind, unsigned, signed, check, cmsCpuMs, rsaCpuMs };
  } finally {
    await f.server.close();
  }
}

export async function benchTransferSignatures(): Promise<string[]> {
  const load0 = loadavg()[0]!;
  const members = Number(process.env.BENCH_HTTP_MEMBERS ?? 100);
  // The members' keys, made once for both databases (as browsers would, RSA-2048).
  const keys = await Promise.all(
    Array.from(
      { length: members },
      async () =>
        (await crypto.subtle.generateKey(generateKeyParams({ kind: "RSA", modulusBits: 2048 }), false, [
          "sign",
          "verify",
        ])) as CryptoKeyPair,
    ),
  );
  const rows: Row[] = [];
  for (const kind of ["pglite", "postgres"] as const) rows.push(await measure(kind, keys));
  const failed = (r: LoadResult) => f0(r.non2xx + r.badBodies + r.errors + r.timeouts);
  return [
    `The fixture of "Login and transfers through the HTTP API" (${members} members, security cards, the same autocannon loader and concurrency), run twice on one server: without certificates (PIN and card), then with an RSA-2048 certificate each from the server's RSA-3072 CA and every transfer signed (CMS SignedData, detached, over the canonical form; signed ahead of the run, as the browser signs, under nonces of the sessions used). Load average ${load0.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end.`,
    "",
    "| database | unsigned transfers/s | p50 / p99 ms | CPU ms each | signed transfers/s | p50 / p99 ms | CPU ms each | CPU added by the signature | failed |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => {
      const u = r.unsigned.result;
      const s = r.signed.result;
      return `| ${dbName(r.kind)} | ${f0(r.unsigned.rate)} | ${ms(u.p50)} / ${ms(u.p99)} | ${ms(r.unsigned.cpuMs)} | ${f0(r.signed.rate)} | ${ms(s.p50)} / ${ms(s.p99)} | ${ms(r.signed.cpuMs)} | ${ms(r.signed.cpuMs - r.unsigned.cpuMs)} | ${failed(u)} / ${failed(s)} |`;
    }),
    "",
    "The signature check alone in the server's process: checkTransferSignature (the nonce's and the certificate's rows read, the form rebuilt, the SignedData verified; the certificate's CA signature is verified once per process) at the same concurrency; verifyCms alone and a bare RSA-2048 verification, one after another:",
    "",
    "| database | checks/s | CPU ms per check | CPU ms of verifyCms | CPU ms of a bare RSA-2048 verify |",
    "|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${dbName(r.kind)} | ${f0(r.check.rate)} | ${ms(r.check.cpuMs)} | ${r.cmsCpuMs.toFixed(2)} | ${r.rsaCpuMs.toFixed(3)} |`,
    ),
    "",
    "CPU is of the server's whole process (with PGlite the database runs in it; with PostgreSQL it does not). Failed: unsigned / signed, not 2xx or the wrong body.",
    ...rows.flatMap((r) => [
      ...failures(r.kind, "unsigned transfers", r.unsigned.result),
      ...failures(r.kind, "signed transfers", r.signed.result),
    ]),
  ];
}
