// Requests that prove nothing (unreadable, a bad header, an unknown reference number, a body type
// not served) cost neither an audit entry nor a CA signature each: they are counted per minute
// and code, summarised in one audit entry per closed minute, and answered with unprotected errors
// that `openssl cmp` still reports. Refusals after the MAC verified stay audited one by one. Past
// the per-address limit, HTTP 429 before the CA reads the request, counted in the database.
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAudit } from "../../src/audit/audit-log.ts";
import { refusalCounts, summarizeRefusals } from "../../src/ca/cmp-refusal-counts.ts";
import { authorizeForUser } from "../../src/certcenter/authorize.ts";
import { openPostgres } from "../../src/db/postgres.ts";
import { buildPkiMessage, directoryName, parsePkiMessage, pkiConfBody } from "../../src/pki/cmp.ts";
import { CmpRefusal, enrol } from "../../src/pki/cmp-client.ts";
import { newPbmParameter, pbmKey } from "../../src/pki/cmp-pbm.ts";
import { readFailureInfo } from "../../src/pki/cmp-status.ts";
import { generateKeyPair } from "../../src/pki/csr.ts";
import { buildServer } from "../../src/server/app.ts";
import { refusalsOperation } from "../../src/server/ca-operations.ts";
import { contextsFor } from "../../src/server/context.ts";
import { type CaServer, newKeyFile, startCaServer } from "../support/ca-server.ts";

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

describe.each(["pglite", "postgres"] as const)("unauthenticated CMP requests (%s)", (kind) => {
  let s: CaServer;
  const count = async (sql: string) => (await s.app.db.query<{ n: bigint }>(sql)).rows[0]!.n;

  beforeAll(async () => {
    // The per-address limit is lifted here: the test's requests all come from one address.
    s = await startCaServer(kind, { rateRules: { cmpPerAddress: { max: 100_000, windowMs: 60_000 } } });
  }, 60_000);
  afterAll(async () => s?.close());

  /** Four kinds of request refused before any MAC or signature verified (pkiconf is not served). */
  async function floodRequests(): Promise<Uint8Array<ArrayBuffer>[]> {
    const key = await pbmKey(new TextEncoder().encode("000000"), newPbmParameter(100));
    // An ir under a reference number nobody was given, as our client writes it.
    let ir: Uint8Array<ArrayBuffer> | undefined;
    await enrol({
      send: async (der) => {
        ir = der;
        throw new Error("captured");
      },
      referenceNumber: "1234567890",
      authorizationCode: "000000",
      keys: await generateKeyPair({ algorithm: "EC" }),
      iterations: 100,
    }).catch(() => undefined);
    const header = (tidBytes: number) => ({
      sender: directoryName(),
      recipient: directoryName(),
      transactionID: random(tidBytes),
      senderNonce: random(16),
      senderKID: new TextEncoder().encode("1234567890"),
    });
    return [
      Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x02),
      await buildPkiMessage(header(4), pkiConfBody, { kind: "mac", key }),
      ir!,
      await buildPkiMessage(header(16), pkiConfBody, { kind: "mac", key }),
    ];
  }

  it("200 of them add no audit entry each, are counted, and give one summary entry per minute", async () => {
    const audits = await count("SELECT count(*) AS n FROM audit_log");
    const before = await refusalCounts(s.app.db, s.clock.now());
    const requests = await floodRequests();
    const answers = [];
    for (let i = 0; i < 200; i++) answers.push(parsePkiMessage(await s.cmp(requests[i % 4]!)));

    for (const a of answers) {
      expect(a.bodyType).toBe("error");
      // No protection at all: no algorithm, no bits, no CA certificates.
      expect(a.header.protectionAlg).toBeUndefined();
      expect(a.protection).toBeUndefined();
      expect(a.extraCerts).toEqual([]);
    }
    expect(readFailureInfo(answers[0]!.body?.error?.pKIStatusInfo.failInfo)).toEqual(["badDataFormat"]);
    expect(readFailureInfo(answers[2]!.body?.error?.pKIStatusInfo.failInfo)).toEqual(["notAuthorized"]);
    expect(await count("SELECT count(*) AS n FROM audit_log")).toBe(audits);

    const counted = await refusalCounts(s.app.db, s.clock.now());
    expect(counted.total - before.total).toBe(200);
    expect(counted.byCode.map((c) => c.code)).toEqual(
      expect.arrayContaining(["malformed", "header", "unknown_reference", "body_type"]),
    );

    // What the operator reads: `geumgo ca refusals --minutes 5`.
    const op = await refusalsOperation(s.app.ca, { minutes: "5" });
    expect(op.total).toBe(counted.total);
    expect(op.byCode.find((c) => c.code === "malformed")?.count).toBe(50);
    expect(op.peakMinute?.count).toBe(counted.total);

    // The minute closes: the scheduler (or the next refusal) writes one summary, once.
    s.clock.advance(61_000);
    expect(await summarizeRefusals(s.app.ca)).toBe(counted.total);
    expect(await summarizeRefusals(s.app.ca)).toBe(0);
    const { rows } = await s.app.db.query<{ action: string; payload: string }>(
      "SELECT action, payload FROM audit_log ORDER BY seq DESC LIMIT 1",
    );
    expect(rows[0]!.action).toBe("cmp.refused.summary");
    expect(rows[0]!.payload).toContain(`"total":${counted.total}`);
    expect(rows[0]!.payload).toContain("malformed=50");
    expect(await count("SELECT count(*) AS n FROM audit_log")).toBe(audits + 1n);

    // Next minute: the first refusal summarises nothing new; a refusal after it closes does.
    await s.cmp(requests[0]!);
    s.clock.advance(61_000);
    await s.cmp(requests[0]!);
    expect(await count("SELECT count(*) AS n FROM audit_log")).toBe(audits + 2n);
    expect(await verifyAudit(s.app.db)).toMatchObject({ ok: true });
  });

  it("a refusal after the MAC verified is audited one by one and MAC-protected", async () => {
    const { userId } = s.users[0]!;
    const auth = await authorizeForUser(s.app, { userId, purpose: "bank", channel: "web", actor: "member" });
    const audits = await count("SELECT count(*) AS n FROM audit_log WHERE action = 'cmp.refused'");
    const keys = await generateKeyPair({ algorithm: "EC" });
    const other = await generateKeyPair({ algorithm: "EC" });
    const refused = await enrol({
      send: (der) => s.cmp(der),
      ...auth,
      keys: { publicKey: other.publicKey, privateKey: keys.privateKey },
      iterations: 1000,
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CmpRefusal);
    expect((refused as CmpRefusal).failures).toEqual(["badPOP"]);
    expect((refused as CmpRefusal).unprotected).toBe(false);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'cmp.refused'")).toBe(audits + 1n);
  });

  it("openssl cmp reports the unprotected error with -unprotected_errors, and only missing protection without", async () => {
    const ir = (extra: string[]) =>
      s.openssl([
        "cmp",
        "-cmd",
        "ir",
        "-server",
        `127.0.0.1:${s.port}`,
        "-path",
        "pki/cmp",
        "-ref",
        "1234567890",
        "-secret",
        "pass:000000",
        "-newkey",
        newKeyFile(s.dir, "flood.key"),
        "-subject",
        "/CN=hong",
        "-certout",
        "never.pem",
        ...extra,
      ]);
    // By default OpenSSL takes no unprotected answer, and says only that protection is missing.
    const strict = await ir([]);
    expect(strict.status).toBe(1);
    expect(strict.output).toContain("CMP error: missing protection");
    const lenient = await ir(["-unprotected_errors"]);
    expect(lenient.status).toBe(1);
    expect(lenient.output).toContain("ignoring missing protection of error response");
    expect(lenient.output).toMatch(
      /PKIFailureInfo: notAuthorized; StatusString: "unknown reference number"; errorDetails: unknown_reference/,
    );
  });

  it("answers 429 with Retry-After past the per-address limit, counted in the database", async () => {
    const rule = { max: 5, windowMs: 60_000 };
    const limited = await startCaServer(kind, { rateRules: { cmpPerAddress: rule } });
    const post = (url: string) =>
      fetch(`${url}/pki/cmp`, {
        method: "POST",
        headers: { "content-type": "application/pkixcmp" },
        body: Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x02),
      });
    try {
      for (let i = 0; i < 5; i++) expect((await post(limited.url)).status).toBe(200);
      const over = await post(limited.url);
      expect(over.status).toBe(429);
      expect(Number(over.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(Number(over.headers.get("retry-after"))).toBeLessThanOrEqual(60);
      expect(((await over.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
      const client = await limited.openssl([
        "cmp",
        "-cmd",
        "ir",
        "-server",
        `127.0.0.1:${limited.port}`,
        "-path",
        "pki/cmp",
        "-ref",
        "1234567890",
        "-secret",
        "pass:000000",
        "-newkey",
        newKeyFile(limited.dir, "limited.key"),
        "-subject",
        "/CN=hong",
        "-certout",
        "never.pem",
      ]);
      expect(client.status).toBe(1);
      expect(client.output).toContain("received error:code=429, reason=Too Many Requests");
      // Refused before the CA saw it: counted by the limit, not as a CMP refusal.
      expect((await refusalCounts(limited.app.db, limited.clock.now())).total).toBe(5);
      // One bucket for the address, its last hit refused.
      const { rows } = await limited.app.db.query<{ admitted: boolean }>("SELECT admitted FROM rate_limits");
      expect(rows.map((r) => r.admitted)).toEqual([false]);
      if (kind === "postgres") {
        // A second server process on the same database sees the same count.
        const db2 = openPostgres((limited.app.db as { url?: string }).url!);
        const app2 = { ...limited.app, db: db2, ...contextsFor(limited.app.config, db2) };
        const second = await buildServer(app2, { logLevel: "warn", rateRules: { cmpPerAddress: rule } });
        try {
          await second.listen({ host: "127.0.0.1", port: 0 });
          const { port } = second.server.address() as AddressInfo;
          expect((await post(`http://127.0.0.1:${port}`)).status).toBe(429);
        } finally {
          await second.close();
          await db2.close();
        }
      }
      // OCSP is not limited by it.
      expect((await fetch(`${limited.url}/pki/ocsp/MAA=`)).status).toBe(200);
      // A minute on, the bucket is full again: the address may send again.
      limited.clock.advance(60_000);
      expect((await post(limited.url)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
