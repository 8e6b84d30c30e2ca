// Issue 14, "Done when" #2: the member's secrets stay in the browser. Every request Chromium sends
// during a full issuance (online identity proofing), a renewal through the selection window and a
// certificate login is recorded (URL, every header, the body), with every response's headers and
// body, the server's log at debug level and, afterwards, every row of every table of the database.
// Then the key files are read out of this browser's IndexedDB and opened with the certificate
// password, and each secret is searched for as bytes in all of it: the decrypted key (PKCS#8, the
// key file's plaintext), the RSA private parts (d, p, q, …) raw, in hex and in base64/base64url at
// every alignment, and the certificate password (UTF-8, UTF-16) must be nowhere; R in the clear only
// in the certificate login's body (vidRandom; the CA gets it sealed); the resident registration
// number only in the identity proofing request, and never in the log or the database.
import { createPrivateKey } from "node:crypto";
import type { Page, Request, Response } from "playwright-core";
import { describe, expect, it } from "vitest";
import { sendExpiryNotices } from "../../src/certcenter/expiry-notices.ts";
import { demoLogins } from "../../src/demo/seed.ts";
import { decryptKeyFile } from "../../src/pki/key-file.ts";
import { getRandomNum, withoutAttributes } from "../../src/pki/private-key.ts";
import { ko as cc } from "../../web/src/certcenter/i18n/ko.ts";
import { certPassword, demoRrn, issued, walkToStorage } from "./support/certcenter.ts";
import { type E2e, e2ePerTest } from "./support/harness.ts";
import { ko, memberLogin, onPage, shownText } from "./support/ui.ts";

const startForTest = e2ePerTest();

/** One place the bytes were seen: a request's URL, headers or body, a response, a log line, a row. */
interface Haystack {
  where: string;
  bytes: Buffer;
}

/** A secret and every spelling of it that could carry it. */
interface Needle {
  name: string;
  forms: { form: string; bytes: Buffer }[];
}

/**
 * The spellings of `secret`: raw, hex in both cases, and base64 and base64url at each of the three
 * alignments (the secret inside a longer base64 text is encoded from wherever its bytes fall on a
 * three-byte boundary; the characters fully decided by its own bytes are what is searched for).
 */
function spellings(name: string, secret: Uint8Array): Needle {
  const raw = Buffer.from(secret);
  const forms = [
    { form: "raw", bytes: raw },
    { form: "hex", bytes: Buffer.from(raw.toString("hex")) },
    { form: "HEX", bytes: Buffer.from(raw.toString("hex").toUpperCase()) },
  ];
  for (let shift = 0; shift < 3; shift++) {
    const part = raw.subarray(shift);
    const whole = part.subarray(0, Math.floor(part.length / 3) * 3);
    if (whole.length < 6) continue;
    forms.push({ form: `base64+${shift}`, bytes: Buffer.from(whole.toString("base64")) });
    forms.push({ form: `base64url+${shift}`, bytes: Buffer.from(whole.toString("base64url")) });
  }
  return { name, forms };
}

/** Text secrets: their UTF-8 and UTF-16 (both byte orders) bytes, each in every spelling. */
function textSpellings(name: string, text: string): Needle {
  const utf16le = Buffer.from(text, "utf16le");
  const utf16be = Buffer.from(utf16le).swap16();
  const all = [
    spellings(name, Buffer.from(text, "utf8")),
    spellings(name, utf16le),
    spellings(name, utf16be),
  ];
  // In a URL or a form body: percent-encoded, as encodeURIComponent and URLSearchParams write it.
  const encoded = [encodeURIComponent(text), new URLSearchParams({ x: text }).toString().slice(2)];
  return {
    name,
    forms: [
      ...encoded.map((e, i) => ({ form: `${["uri", "form"][i]}-encoded`, bytes: Buffer.from(e) })),
      ...all.flatMap((n, i) =>
        n.forms.map((f) => ({ form: `${["utf8", "utf16le", "utf16be"][i]}/${f.form}`, bytes: f.bytes })),
      ),
    ],
  };
}

/** Every haystack (where) that holds any spelling of the needle, with the spelling found. */
function findIn(haystacks: Haystack[], needle: Needle): string[] {
  const found: string[] = [];
  for (const h of haystacks) {
    for (const f of needle.forms) {
      if (h.bytes.includes(f.bytes)) {
        found.push(`${h.where} [${f.form}]`);
        break;
      }
    }
  }
  return found;
}

/** Everything the page sends and gets, as haystacks, filled in as the page runs. */
function recordTraffic(page: Page): {
  haystacks: Haystack[];
  pending: Promise<unknown>[];
  requests: Request[];
} {
  const haystacks: Haystack[] = [];
  const pending: Promise<unknown>[] = [];
  const requests: Request[] = [];
  page.on("request", (request: Request) => {
    requests.push(request);
    const label = `${request.method()} ${request.url()}`;
    haystacks.push({ where: `request URL ${label}`, bytes: Buffer.from(request.url()) });
    const body = request.postDataBuffer();
    if (body) haystacks.push({ where: `request body ${label}`, bytes: body });
    pending.push(
      request
        .allHeaders()
        // A request still in flight when the context closes has only the headers the page set.
        .catch(() => request.headers())
        .then((headers) => {
          haystacks.push({ where: `request headers ${label}`, bytes: Buffer.from(JSON.stringify(headers)) });
        }),
    );
  });
  page.on("response", (response: Response) => {
    const label = `${response.request().method()} ${response.url()} → ${response.status()}`;
    pending.push(
      response
        .allHeaders()
        .catch(() => response.headers())
        .then((headers) => {
          haystacks.push({ where: `response headers ${label}`, bytes: Buffer.from(JSON.stringify(headers)) });
        }),
      response.body().then(
        (body) => haystacks.push({ where: `response body ${label}`, bytes: body }),
        () => undefined, // a redirect has no body
      ),
    );
  });
  return { haystacks, pending, requests };
}

/** Every row of every table the server's database has, each column as bytes (bytea raw, the rest as text). */
async function dumpDatabase(env: E2e): Promise<{ haystacks: Haystack[]; tables: number; rows: number }> {
  const { rows: tables } = await env.app.db.query<{ table_schema: string; table_name: string }>(
    `SELECT table_schema, table_name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
      ORDER BY table_schema, table_name`,
  );
  const haystacks: Haystack[] = [];
  let rowCount = 0;
  for (const t of tables) {
    const { rows } = await env.app.db.query<Record<string, unknown>>(
      `SELECT * FROM "${t.table_schema}"."${t.table_name}"`,
    );
    for (const [i, row] of rows.entries()) {
      rowCount++;
      for (const [column, value] of Object.entries(row)) {
        if (value === null || value === undefined) continue;
        const bytes =
          value instanceof Uint8Array
            ? Buffer.from(value)
            : Buffer.from(
                typeof value === "string"
                  ? value
                  : value instanceof Date
                    ? value.toISOString()
                    : JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
              );
        haystacks.push({ where: `db ${t.table_schema}.${t.table_name}[${i}].${column}`, bytes });
      }
    }
  }
  return { haystacks, tables: tables.length, rows: rowCount };
}

/** The key files this browser holds (IndexedDB "geumgo-certificates", store "certificates"). */
async function browserKeyFiles(page: Page): Promise<Buffer[]> {
  const files = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open("geumgo-certificates");
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const records = await new Promise<{ keyFile: Uint8Array }[]>((resolve, reject) => {
      const req = db.transaction("certificates").objectStore("certificates").getAll();
      req.onsuccess = () => resolve(req.result as { keyFile: Uint8Array }[]);
      req.onerror = () => reject(req.error);
    });
    db.close();
    return records.map((r) => {
      let binary = "";
      for (const b of new Uint8Array(r.keyFile)) binary += String.fromCharCode(b);
      return btoa(binary);
    });
  });
  return files.map((f) => Buffer.from(f, "base64"));
}

/** The decrypted key's secrets: the PKCS#8 (with and without attributes), its private parts, R. */
async function keySecrets(
  keyFile: Buffer,
  label: string,
): Promise<{ needles: Needle[]; r: Uint8Array; pkcs8: Uint8Array }> {
  const { pkcs8 } = await decryptKeyFile(keyFile, certPassword);
  const r = getRandomNum(pkcs8);
  expect(r, "the key file keeps R").toBeDefined();
  const bare = withoutAttributes(pkcs8);
  const jwk = createPrivateKey({ key: Buffer.from(bare), format: "der", type: "pkcs8" }).export({
    format: "jwk",
  });
  const needles = [
    spellings(`${label} PKCS#8 (key file plaintext)`, pkcs8),
    spellings(`${label} PKCS#8 without R`, bare),
  ];
  for (const part of ["d", "p", "q", "dp", "dq", "qi"] as const) {
    const value = jwk[part];
    if (typeof value === "string")
      needles.push(spellings(`${label} private ${part}`, Buffer.from(value, "base64url")));
  }
  expect(needles.length, "an RSA key's d, p, q, dp, dq, qi").toBe(8);
  return { needles, r: r!, pkcs8 };
}

describe("the member's secrets stay home", () => {
  it("no key, password, decrypted key, R or RRN leaves where it belongs in issuance, renewal and login", async () => {
    const logged: Haystack[] = [];
    const env = await startForTest({
      logLevel: "debug",
      log: {
        write: (line: string) =>
          void logged.push({ where: `log line ${logged.length}`, bytes: Buffer.from(line) }),
      },
    });
    const context = await env.context("desktop");
    const page = await context.newPage();
    const traffic = recordTraffic(page);
    const keyFiles: Buffer[] = [];

    // Issuance to this browser, after online identity proofing.
    await memberLogin(page, demoLogins.member.userId, demoLogins.member.password);
    await walkToStorage(page, env);
    await page.getByRole("button", { name: cc.steps.progress, exact: true }).click();
    await issued(page);
    keyFiles.push(...(await browserKeyFiles(page)));
    expect(keyFiles).toHaveLength(1);

    // Renewal in the window, 20 days before the end (as flow (e) of certcenter-flows).
    const { rows: issuedRows } = await env.app.db.query<{ not_after: Date }>(
      "SELECT not_after FROM certificates WHERE status = 'valid'",
    );
    expect(issuedRows).toHaveLength(1);
    env.clock.at = new Date(issuedRows[0]!.not_after.getTime() - 20 * 86_400_000);
    await sendExpiryNotices({ bank: env.app.bank, ca: env.app.ca });
    await context.clock.setSystemTime(env.clock.now());
    await context.clearCookies();
    await memberLogin(page, demoLogins.member.userId, demoLogins.member.password);
    await page.goto("/certcenter/renew");
    await onPage(page, cc.issue.renewTitle);
    await page.getByRole("button", { name: cc.issue.renewChoose, exact: true }).click();
    const renewDialog = page.getByRole("dialog", { name: cc.window.title });
    await renewDialog.getByRole("row").filter({ hasText: cc.purpose.bank }).first().waitFor();
    await renewDialog.getByLabel(cc.window.password, { exact: true }).fill(certPassword);
    await renewDialog.getByRole("button", { name: cc.window.confirm, exact: true }).click();
    await page
      .getByRole("heading", { name: cc.issue.doneTitle, level: 2 })
      .or(page.getByRole("heading", { name: cc.issue.failedTitle, level: 2 }))
      .or(renewDialog.getByRole("alert"))
      .first()
      .waitFor({ timeout: 120_000 });
    expect(await shownText(page.locator("main"))).not.toContain(cc.issue.failedTitle);
    const renewedFiles = await browserKeyFiles(page);
    expect(renewedFiles).toHaveLength(1);
    expect(renewedFiles[0]!.equals(keyFiles[0]!)).toBe(false);
    keyFiles.push(renewedFiles[0]!);

    // Log out, then log in with the (renewed) certificate from this browser.
    await page.getByRole("button", { name: ko.common.logout }).first().click();
    await onPage(page, ko.login.title);
    await page.getByRole("button", { name: ko.login.certificateLogin }).click();
    const loginDialog = page.getByRole("dialog", { name: cc.window.title });
    await loginDialog.getByRole("row").filter({ hasText: cc.purpose.bank }).first().waitFor();
    await loginDialog.getByLabel(cc.window.password, { exact: true }).fill(certPassword);
    const [loggedIn] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === "/api/auth/certificate/login"),
      loginDialog.getByRole("button", { name: cc.window.confirm, exact: true }).click(),
    ]);
    expect(loggedIn.status(), await loggedIn.text()).toBe(200);
    await onPage(page, ko.home.title);
    // Let the home page's own requests finish, so their full headers are read before the close.
    await page.waitForLoadState("networkidle");
    await Promise.all(traffic.pending);
    await context.close();
    await Promise.all(traffic.pending);

    // The secrets, out of this browser's key files.
    const oldKey = await keySecrets(keyFiles[0]!, "issued key");
    const newKey = await keySecrets(keyFiles[1]!, "renewed key");
    const password = textSpellings("certificate password", certPassword);
    const rrn = [
      textSpellings("RRN", demoRrn),
      textSpellings("RRN with hyphen", `${demoRrn.slice(0, 6)}-${demoRrn.slice(6)}`),
    ];

    const db = await dumpDatabase(env);
    const all = [...traffic.haystacks, ...logged, ...db.haystacks];
    const bytesSearched = all.reduce((n, h) => n + h.bytes.length, 0);

    // Negative controls: the search finds what is there.
    expect(
      findIn([{ where: "the key itself", bytes: Buffer.from(newKey.pkcs8) }], newKey.needles[0]!),
    ).toHaveLength(1);
    expect(
      findIn(
        [
          {
            where: "base64 of the key",
            bytes: Buffer.from(`{"k":"x${Buffer.from(newKey.pkcs8).toString("base64")}"}`),
          },
        ],
        newKey.needles[2]!,
      ),
    ).toHaveLength(1);
    const proofing = traffic.haystacks.filter((h) =>
      /^request body POST .*\/api\/certcenter\/authorizations$/.test(h.where),
    );
    expect(proofing).toHaveLength(1);
    expect(findIn(proofing, rrn[0]!)).toHaveLength(1);
    // …and the database dump has its bytea raw (the certificate the login sent is in it), the log its lines.
    const loginRequest = traffic.haystacks.find((h) =>
      /^request body POST .*\/api\/auth\/certificate\/login$/.test(h.where),
    );
    const loginCertificate = Buffer.from(
      (JSON.parse(loginRequest!.bytes.toString("utf8")) as { certificate: string }).certificate,
      "base64",
    );
    expect(findIn(db.haystacks, spellings("certificate", loginCertificate)).length).toBeGreaterThan(0);
    expect(logged.some((h) => h.bytes.includes("/api/auth/certificate/login"))).toBe(true);
    // The CMP messages (issuance: ir and certConf; renewal: kur and certConf) were recorded with their bodies.
    const cmpBodies = traffic.haystacks.filter((h) => /^request body POST .*\/pki\/cmp$/.test(h.where));
    expect(cmpBodies.length).toBeGreaterThanOrEqual(4);

    // Every leak found, named, so that a failure lists them all.
    const leaks: string[] = [];
    const strip = (w: string) => w.replace(/ \[[^\]]*\]$/, "");
    // None of the key, nor its plaintext, nor its private parts, nor the password, anywhere.
    for (const needle of [...oldKey.needles, ...newKey.needles, password]) {
      for (const w of findIn(all, needle)) leaks.push(`${needle.name}: ${w}`);
    }
    // R in the clear: only in the certificate login's body (vidRandom); the CA only ever gets it sealed.
    const loginBody = /^request body POST .*\/api\/auth\/certificate\/login$/;
    for (const needle of [spellings("issued key's R", oldKey.r), spellings("renewed key's R", newKey.r)]) {
      for (const w of findIn(all, needle)) if (!loginBody.test(strip(w))) leaks.push(`${needle.name}: ${w}`);
    }
    // The RRN: only in the identity proofing request; never in the log or the database.
    const proofingBody = /^request body POST .*\/api\/certcenter\/authorizations$/;
    for (const needle of rrn) {
      for (const w of findIn(all, needle))
        if (!proofingBody.test(strip(w))) leaks.push(`${needle.name}: ${w}`);
    }
    expect(leaks).toEqual([]);
    // And R does travel with the certificate login, once.
    const rSent = findIn(all, spellings("renewed key's R", newKey.r));
    expect(rSent.map(strip), "R travels with the certificate login").toEqual([
      expect.stringMatching(loginBody),
    ]);

    console.info(
      `secrets-stay-home: ${traffic.requests.length} requests recorded (${cmpBodies.length} CMP), ${traffic.haystacks.length} traffic parts, ` +
        `${logged.length} log lines, ${db.tables} tables / ${db.rows} rows dumped, ${bytesSearched} bytes searched`,
    );
  }, 400_000);
});
