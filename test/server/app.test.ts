import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateTeller } from "../../src/auth/tellers.ts";
import { createBranch, createCooperative } from "../../src/bank/federation.ts";
import { createCaHierarchy } from "../../src/ca/ca-keys.ts";
import { loadConfig } from "../../src/config.ts";
import { buildServer } from "../../src/server/app.ts";
import { type App, contextsFor, publicOrigin } from "../../src/server/context.ts";
import { freshDb } from "../support/db.ts";

const token = "test-admin-token_0123456789";

async function testApp(env: Record<string, string> = {}): Promise<App> {
  const config = loadConfig({ GEUMGO_DATA: mkdtempSync(join(tmpdir(), "geumgo-app-")), ...env });
  const db = await freshDb("pglite");
  return {
    config,
    db,
    ...contextsFor(config, db),
    setup: { caKeys: [], caCreated: false, demoCreated: false },
    close: () => db.close(),
  };
}

describe("the HTTP server", () => {
  let app: App;
  let server: FastifyInstance;
  const logLines: string[] = [];

  beforeAll(async () => {
    app = await testApp();
    const logStream = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    server = await buildServer(app, { adminToken: token, logStream });
    server.get("/test/fail", async () => {
      throw new Error("db password hunter2 at /srv/secret");
    });
  });
  afterAll(async () => {
    await server.close();
    await app.close();
  });

  it("answers /healthz after asking the database", async () => {
    const r = await server.inject({ url: "/healthz" });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: "ok", database: "pglite" });
  });

  it("sends security headers and a request id on every answer", async () => {
    for (const url of ["/healthz", "/nothing-here"]) {
      const r = await server.inject({ url });
      expect(r.headers["x-content-type-options"]).toBe("nosniff");
      expect(r.headers["referrer-policy"]).toBe("no-referrer");
      expect(r.headers["content-security-policy"]).toMatch(/^default-src 'none'/);
      expect(r.headers["x-request-id"]).toMatch(/^[A-Za-z0-9_-]{16}$/);
    }
    const a = await server.inject({ url: "/healthz" });
    const b = await server.inject({ url: "/healthz" });
    expect(a.headers["x-request-id"]).not.toBe(b.headers["x-request-id"]);
  });

  it("keeps a caller's request id only when it is a short plain token", async () => {
    const kept = await server.inject({ url: "/healthz", headers: { "x-request-id": "lb-7f3a.9:1" } });
    expect(kept.headers["x-request-id"]).toBe("lb-7f3a.9:1");
    for (const bad of ["<script>", "a".repeat(65), "a b", "id\u00e9"]) {
      const r = await server.inject({ url: "/healthz", headers: { "x-request-id": bad } });
      expect(r.headers["x-request-id"]).not.toBe(bad);
      expect(r.headers["x-request-id"]).toMatch(/^[A-Za-z0-9_-]{16}$/);
    }
  });

  it("answers an unknown address with a 404 in the error shape", async () => {
    const r = await server.inject({ url: "/no/such/thing" });
    expect(r.statusCode).toBe(404);
    expect(r.headers["content-type"]).toMatch(/^application\/json/);
    const body = r.json();
    expect(body.error.code).toBe("not_found");
    expect(body.error.message.ko).toMatch(/[가-힣]/);
    expect(body.error.message.en).toMatch(/^[\x20-\x7e]+$/);
  });

  it("hides the insides of an unexpected failure: 500 internal, no message, no stack", async () => {
    const r = await server.inject({ url: "/test/fail" });
    expect(r.statusCode).toBe(500);
    expect(Object.keys(r.json())).toEqual(["error"]);
    expect(r.json().error.code).toBe("internal");
    expect(r.body).not.toContain("hunter2");
    expect(r.body).not.toContain("stack");
    expect(r.body).not.toContain(".ts");
    // The log has it, under the same request id, for the operator.
    const id = r.headers["x-request-id"] as string;
    expect(logLines.some((l) => l.includes(id) && l.includes("hunter2"))).toBe(true);
  });

  it("logs paths without their query strings", async () => {
    await server.inject({ url: "/healthz?code=S3CR3T-CODE&rrn=8503151234567" });
    const log = logLines.join("");
    expect(log).toContain('"url":"/healthz"');
    expect(log).not.toContain("S3CR3T-CODE");
    expect(log).not.toContain("8503151234567");
  });

  describe("POST /pki/cmp", () => {
    it("refuses another content type with 415 and the error shape", async () => {
      for (const headers of [
        { "content-type": "application/json" },
        { "content-type": "application/octet-stream" },
        { "content-type": "text/plain" },
      ]) {
        const r = await server.inject({ method: "POST", url: "/pki/cmp", headers, payload: "{}" });
        expect(r.statusCode, headers["content-type"]).toBe(415);
        expect(r.json().error.code).toBe("unsupported_media_type");
      }
      const none = await server.inject({ method: "POST", url: "/pki/cmp" });
      expect(none.statusCode).toBe(415);
    });

    it("refuses a body over 64 KB with 413", async () => {
      const r = await server.inject({
        method: "POST",
        url: "/pki/cmp",
        headers: { "content-type": "application/pkixcmp" },
        payload: Buffer.alloc(64 * 1024 + 1, 0x30),
      });
      expect(r.statusCode).toBe(413);
      expect(r.json().error.code).toBe("body_too_large");
    });
  });

  describe("POST /admin/operations/:name", () => {
    const auth = { authorization: `Bearer ${token}` };

    it("needs the bearer token", async () => {
      for (const headers of [{}, { authorization: "Bearer wrong-token" }, { authorization: token }]) {
        const r = await server.inject({
          method: "POST",
          url: "/admin/operations/audit.verify",
          headers,
          payload: {},
        });
        expect(r.statusCode).toBe(401);
        expect(r.json().error.code).toBe("unauthorized");
        expect(r.headers["cache-control"]).toBe("no-store");
      }
    });

    it("answers only a peer on this machine", async () => {
      const r = await server.inject({
        method: "POST",
        url: "/admin/operations/audit.verify",
        headers: auth,
        payload: {},
        remoteAddress: "203.0.113.7",
      });
      expect(r.statusCode).toBe(403);
      expect(r.json().error.code).toBe("forbidden");
    });

    it("runs an operation and returns its JSON answer", async () => {
      const r = await server.inject({
        method: "POST",
        url: "/admin/operations/audit.verify",
        headers: auth,
        payload: {},
      });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ result: { ok: true, entries: 0 } });
    });

    it("adds and unlocks a teller for the CLI; the password reaches neither the log nor the audit log", async () => {
      await createCooperative(app.bank, { id: 7, code: "9007", name: "시험새마을금고" });
      await createBranch(app.bank, { cooperativeId: 7, id: 1, code: "001", name: "본점" });
      const password = "Remote!2026tel";
      const add = await server.inject({
        method: "POST",
        url: "/admin/operations/teller.add",
        headers: auth,
        payload: { cooperative: "9007", branch: "001", id: "Park2026", name: "박창구", password },
      });
      expect(add.statusCode, add.body).toBe(200);
      expect(add.json().result).toMatchObject({ cooperative: "9007", tellerId: "Park2026" });
      expect(
        await authenticateTeller(app.db, {
          tellerId: "park2026",
          password,
          at: new Date(),
          rrnIndexKey: app.bank.rrnKeys.index,
        }),
      ).toMatchObject({
        tellerId: "Park2026",
      });
      // IDs are the same regardless of case, for unlock as for login.
      const unlock = await server.inject({
        method: "POST",
        url: "/admin/operations/teller.unlock",
        headers: auth,
        payload: { cooperative: "9007", id: "PARK2026" },
      });
      expect(unlock.statusCode, unlock.body).toBe(200);
      const audit = await app.db.query<{ payload: string }>("SELECT payload FROM audit_log");
      expect(audit.rows.length).toBeGreaterThanOrEqual(2);
      expect(audit.rows.map((r) => r.payload).join("")).not.toContain(password);
      expect(logLines.join("")).not.toContain(password);
    });

    it("carries a domain refusal's code and words (no CA yet)", async () => {
      const r = await server.inject({
        method: "POST",
        url: "/admin/operations/ca.chain",
        headers: auth,
        payload: {},
      });
      expect(r.statusCode).toBe(503);
      expect(r.json().error.code).toBe("ca_missing");
      expect(r.json().error.message.en).toContain("no CA keys");
      expect(r.json().error.message.ko).toMatch(/[가-힣]/);
    });

    it("refuses unknown operations, bad arguments and bodies that are not flat objects", async () => {
      const unknown = await server.inject({
        method: "POST",
        url: "/admin/operations/rm.rf",
        headers: auth,
        payload: {},
      });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.code).toBe("unknown_operation");
      const badSerial = await server.inject({
        method: "POST",
        url: "/admin/operations/ca.revoke",
        headers: auth,
        payload: { serial: "zz", reason: "keyCompromise" },
      });
      expect(badSerial.statusCode).toBe(400);
      expect(badSerial.json().error.code).toBe("bad_serial");
      const badPurpose = await server.inject({
        method: "POST",
        url: "/admin/operations/ra.authorize",
        headers: auth,
        payload: { user: "hong", purpose: "gold" },
      });
      expect(badPurpose.statusCode).toBe(400);
      expect(badPurpose.json().error.code).toBe("bad_argument");
      expect(badPurpose.json().error.message.en).toContain("--purpose bank | universal");
      for (const payload of [[1, 2], { user: { nested: true } }, { "Bad Name": "x" }]) {
        const r = await server.inject({
          method: "POST",
          url: "/admin/operations/ra.authorize",
          headers: auth,
          payload,
        });
        expect(r.statusCode, JSON.stringify(payload)).toBe(400);
        expect(r.json().error.code).toBe("validation");
      }
      const text = await server.inject({
        method: "POST",
        url: "/admin/operations/audit.verify",
        headers: { ...auth, "content-type": "application/xml" },
        payload: "<a/>",
      });
      expect(text.statusCode).toBe(415);
    });
  });

  it("on PORT=0, names the port it got in the CA's URLs and its origin as soon as listen() resolves", async () => {
    const other = await testApp({ PORT: "0" });
    expect(other.ca.urls.crl).toBe("http://127.0.0.1:0/pki/crl");
    const s = await buildServer(other, { logLevel: "silent" });
    await s.listen({ host: "127.0.0.1", port: 0 });
    const { port } = s.server.address() as AddressInfo;
    expect(port).toBeGreaterThan(0);
    expect(other.ca.urls).toEqual({
      crl: `http://127.0.0.1:${port}/pki/crl`,
      ocsp: `http://127.0.0.1:${port}/pki/ocsp`,
      caIssuers: `http://127.0.0.1:${port}/pki/issuing-ca.der`,
    });
    expect(publicOrigin(other)).toBe(`http://127.0.0.1:${port}`);
    await s.close();
    await other.close();
  });

  it("keeps GEUMGO_PUBLIC_URL in the CA's URLs and its origin whatever port it listens on", async () => {
    const other = await testApp({ PORT: "0", GEUMGO_PUBLIC_URL: "https://ca.example.kr/geumgo" });
    const s = await buildServer(other, { logLevel: "silent" });
    await s.listen({ host: "127.0.0.1", port: 0 });
    expect(other.ca.urls.ocsp).toBe("https://ca.example.kr/geumgo/pki/ocsp");
    expect(publicOrigin(other)).toBe("https://ca.example.kr");
    await s.close();
    await other.close();
  });

  it("names the bank's clock in the Date header, where the pages read the bank's time", async () => {
    const fake = new Date("2031-02-03T04:05:06Z");
    const other = await testApp({ PORT: "0", GEUMGO_FAKE_NOW: fake.toISOString() });
    const s = await buildServer(other, { logLevel: "silent" });
    await s.listen({ host: "127.0.0.1", port: 0 });
    const { port } = s.server.address() as AddressInfo;
    const r = await fetch(`http://127.0.0.1:${port}/healthz`);
    const date = Date.parse(r.headers.get("date") ?? "");
    // The fake clock runs on at real speed from its start: a few seconds at most have passed.
    expect(date - fake.getTime()).toBeGreaterThanOrEqual(0);
    expect(date - fake.getTime()).toBeLessThan(60_000);
    await s.close();
    await other.close();
  });

  it("is absent without an admin token (servers on PostgreSQL)", async () => {
    const plain = await buildServer(app, { logLevel: "silent" });
    const r = await plain.inject({ method: "POST", url: "/admin/operations/audit.verify", payload: {} });
    expect(r.statusCode).toBe(404);
    await plain.close();
  });

  it("reports 503 from /healthz when the database is gone", async () => {
    const other = await testApp();
    const s = await buildServer(other, { logLevel: "silent" });
    await other.db.close();
    const r = await s.inject({ url: "/healthz" });
    expect(r.statusCode).toBe(503);
    expect(r.json().error.code).toBe("database_unavailable");
    await s.close();
  });

  it("reports 503 from /healthz while the CA key cannot be unsealed, and ok once it can", async () => {
    const wrong = await testApp({ GEUMGO_CA_PASSPHRASE: "not the passphrase of the CA" });
    const caKeys = await createCaHierarchy(wrong.db, {
      organization: "Health Test",
      algorithm: "P-384",
      passphrase: "the passphrase of the CA keys",
      now: new Date(),
    });
    const s = await buildServer({ ...wrong, setup: { ...wrong.setup, caKeys } }, { logLevel: "silent" });
    const r = await s.inject({ url: "/healthz" });
    expect(r.statusCode).toBe(503);
    expect(r.json().error.code).toBe("bad_passphrase");
    await s.close();

    const right = { ...wrong, config: { ...wrong.config, caPassphrase: "the passphrase of the CA keys" } };
    const ok = await buildServer(
      { ...right, ...contextsFor(right.config, wrong.db), setup: { ...wrong.setup, caKeys } },
      { logLevel: "silent" },
    );
    const good = await ok.inject({ url: "/healthz" });
    expect(good.statusCode, good.body).toBe(200);
    await ok.close();
    await wrong.close();
  });
});
