// The certificate centre's refusals a member's browser can meet, end to end in Chromium against the
// real server and CA: a computer clock far off (issuance and renewal still work by the bank's time,
// and the member is told), two tabs renewing at once, a tampered record in this browser's
// IndexedDB and a browser whose storage quota is used up during issuance, a folder that also holds
// the key-management pair, a .zip that climbs out of its folder or is a zip bomb, and a .pfx opened
// in the list. Each: the member's words on screen (by their code's words), nothing half-done on
// the server (no certificate valid or pending that should not be, no fee held), axe clean, no CSP
// violation, a screenshot kept.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { sendExpiryNotices } from "../../src/certcenter/expiry-notices.ts";
import { demoLogins } from "../../src/demo/seed.ts";
import { certStoreWords } from "../../src/messages/cert-store.ts";
import { cmpReasonWords } from "../../src/messages/cmp.ts";
import { ko as cc } from "../../web/src/certcenter/i18n/ko.ts";
import { certPassword, issued, serverCertificates, walkToStorage } from "./support/certcenter.ts";
import { type E2e, e2ePerTest, pageErrors, steps, type Viewport } from "./support/harness.ts";
import { accountByNumber, demandAccountOf } from "./support/ledger.ts";
import { alertText, ko, memberLogin, onPage, shownText } from "./support/ui.ts";

const hong = demoLogins.member;
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

const startForTest = e2ePerTest();

/** Certificates of the demo member in the CA's table, by status. */
async function certificatesByStatus(env: E2e): Promise<Record<string, number>> {
  const { rows } = await env.app.db.query<{ status: string; n: number }>(
    "SELECT status, count(*)::int AS n FROM certificates GROUP BY status",
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Fees still held on the member's account (a refusal must leave none). */
async function heldFees(env: E2e): Promise<number> {
  const { rows } = await env.app.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM certcenter_fees WHERE status = 'held'",
  );
  return rows[0]!.n;
}

/** The records of this browser's certificate store (IndexedDB), as the page's origin holds them. */
async function browserRecords(
  page: Page,
): Promise<{ id: string; certificate: number[]; keyFile: number[] }[]> {
  return page.evaluate(
    () =>
      new Promise<{ id: string; certificate: number[]; keyFile: number[] }[]>((resolve, reject) => {
        const open = indexedDB.open("geumgo-certificates");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction("certificates", "readonly").objectStore("certificates").getAll();
          get.onerror = () => reject(get.error);
          get.onsuccess = () => {
            const rows = get.result as { id: string; certificate: Uint8Array; keyFile: Uint8Array }[];
            db.close();
            resolve(
              rows.map((r) => ({ id: r.id, certificate: [...r.certificate], keyFile: [...r.keyFile] })),
            );
          };
        };
      }),
  );
}

type StoredRecord = { id: string; certificate: number[]; keyFile: number[] };

/** Writes a record into this browser's certificate store as it is, bypassing the page's checks. */
async function putBrowserRecord(page: Page, record: StoredRecord): Promise<void> {
  await page.evaluate(
    (r) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open("geumgo-certificates");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction("certificates", "readwrite");
          tx.objectStore("certificates").put({
            id: r.id,
            certificate: new Uint8Array(r.certificate),
            keyFile: new Uint8Array(r.keyFile),
            savedAt: new Date().toISOString(),
          });
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    record,
  );
}

/** Issues a bank-use certificate to this browser, the browser's clock set to the server's. */
async function issueToBrowser(
  env: E2e,
  context: BrowserContext,
  page: Page,
  step?: (p: Page, n: string) => Promise<void>,
) {
  await context.clock.setSystemTime(env.clock.now());
  await memberLogin(page, hong.userId, hong.password);
  await walkToStorage(page, env, { purpose: "bank", storage: "browser", ...(step ? { step } : {}) });
  await page.getByRole("button", { name: cc.steps.progress, exact: true }).click();
  await issued(page);
}

/**
 * 20 days before the certificate expires (in its renewal window): the server's clock moved there,
 * the expiry notice sent, the browser's clock set `skew` away from the server's, and the member
 * logged in again (the session has long ended).
 */
async function intoRenewalWindow(
  env: E2e,
  context: BrowserContext,
  page: Page,
  notAfter: string,
  skew: number,
) {
  env.clock.at = new Date(Date.parse(notAfter) - 20 * day);
  await sendExpiryNotices({ bank: env.app.bank, ca: env.app.ca });
  await context.clock.setSystemTime(new Date(env.clock.now().getTime() + skew));
  await context.clearCookies();
  await memberLogin(page, hong.userId, hong.password);
}

/** The renewal page, the selection window, the password, 확인: waits for the outcome. */
async function renewFromWindow(page: Page): Promise<void> {
  await page.goto("/certcenter/renew");
  await onPage(page, cc.issue.renewTitle);
  await page.getByRole("button", { name: cc.issue.renewChoose, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: cc.window.title });
  await dialog.getByRole("row").filter({ hasText: cc.purpose.bank }).first().waitFor();
  await dialog.getByLabel(cc.window.password, { exact: true }).fill(certPassword);
  await dialog.getByRole("button", { name: cc.window.confirm, exact: true }).click();
  await page
    .getByRole("heading", { name: cc.issue.doneTitle, level: 2 })
    .or(page.getByRole("heading", { name: cc.issue.failedTitle, level: 2 }))
    .or(dialog.getByRole("alert"))
    .first()
    .waitFor({ timeout: 120_000 });
}

/** CRC-32 (the zip's own check), so that only the refusal under test can stop the archive. */
function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

interface RawEntry {
  name: string;
  data: Uint8Array;
  deflate?: boolean;
  /** The uncompressed size the headers declare, when it is to lie. */
  declaredSize?: number;
}

/** Real zip bytes (local headers, central directory, end record), names as given, unchecked. */
function zipOf(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const body = e.deflate ? deflateRawSync(e.data, { level: 9 }) : Buffer.from(e.data);
    const size = e.declaredSize ?? e.data.length;
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(e.deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** One DER element at `at`: where its contents start and end. */
function derAt(der: Buffer, at: number): { start: number; end: number } {
  let len = der[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[at + 2 + i]!;
    start += n;
  }
  return { start, end: start + len };
}

/** The DER elements directly inside the one at `at`. */
function derChildren(der: Buffer, at: number): Buffer[] {
  const { start, end } = derAt(der, at);
  const out: Buffer[] = [];
  for (let p = start; p < end; ) {
    const next = derAt(der, p).end;
    out.push(der.subarray(p, next));
    p = next;
  }
  return out;
}

function derOf(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  const length = n < 0x80 ? Buffer.of(n) : n < 0x100 ? Buffer.of(0x81, n) : Buffer.of(0x82, n >> 8, n & 0xff);
  return Buffer.concat([Buffer.of(tag), length, body]);
}

/**
 * A real PKCS#12 file holding two private keys with their certificates: two made by OpenSSL (no
 * password-based encryption, no MAC, so their contents can be joined), their AuthenticatedSafe
 * contents put in one. OpenSSL lists both keys in it.
 */
function pfxWithTwoKeys(): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "geumgo-refusal-pfx-"));
  const safes: Buffer[] = [];
  let version: Buffer | undefined;
  let dataOid: Buffer | undefined;
  for (const n of [1, 2]) {
    const key = join(dir, `key${n}.pem`);
    const cert = join(dir, `cert${n}.pem`);
    const pfx = join(dir, `one${n}.p12`);
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-subj",
        `/CN=key${n}`,
        "-days",
        "30",
      ],
      { stdio: "pipe" },
    );
    execFileSync(
      "openssl",
      [
        "pkcs12",
        "-export",
        "-inkey",
        key,
        "-in",
        cert,
        "-out",
        pfx,
        "-keypbe",
        "NONE",
        "-certpbe",
        "NONE",
        "-nomac",
        "-passout",
        "pass:",
      ],
      { stdio: "pipe" },
    );
    const der = readFileSync(pfx);
    const [v, authSafe] = derChildren(der, 0);
    const [oid, explicit] = derChildren(authSafe!, 0);
    const [octets] = derChildren(explicit!, 0);
    const inner = octets!.subarray(derAt(octets!, 0).start);
    safes.push(...derChildren(inner, 0));
    version = v;
    dataOid = oid;
  }
  rmSync(dir, { recursive: true, force: true });
  const authenticatedSafe = derOf(0x30, ...safes);
  return derOf(0x30, version!, derOf(0x30, dataOid!, derOf(0xa0, derOf(0x04, authenticatedSafe))));
}

/** The selection window opened on its own (인증서 관리), on its 파일 열기 tab. */
async function openWindowOnFiles(page: Page) {
  await page.goto("/certcenter/manage");
  await onPage(page, cc.menu.manage);
  await page.getByRole("button", { name: cc.window.title, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: cc.window.title });
  await dialog.waitFor();
  await dialog.getByRole("tab", { name: cc.window.places.archive }).click();
  return dialog;
}

/** The clock notice's words for a device clock `skew` off the bank's. */
function clockWords(skew: number): string {
  const off = Math.abs(skew);
  const by =
    off >= day
      ? cc.clock.days(Math.round(off / day))
      : off >= hour
        ? cc.clock.hours(Math.round(off / hour))
        : cc.clock.minutes(Math.round(off / minute));
  return cc.clock.off(by, skew > 0);
}

describe("the certificate centre's refusals in the browser", () => {
  const clocks: { name: string; skew: number; viewport: Viewport }[] = [
    { name: "3 days ahead", skew: 3 * day, viewport: "desktop" },
    { name: "2 hours behind", skew: -2 * hour, viewport: "phone" },
    { name: "2 minutes behind (in range)", skew: -2 * minute, viewport: "desktop" },
  ];
  for (const { name, skew, viewport } of clocks) {
    it(`(1) the computer's clock ${name}: renewal works by the bank's time, and the member is told when it is far off (${viewport})`, async () => {
      const env = await startForTest();
      const far = Math.abs(skew) > 5 * minute;
      const step = steps(
        `certcenter-refusal-clock-${skew > 0 ? "ahead" : "behind"}-${Math.abs(skew / minute)}m`,
        viewport,
      );
      const context = await env.context(viewport);
      const page = await context.newPage();
      const errors = pageErrors(page);
      await issueToBrowser(env, context, page);
      const [old] = await serverCertificates(page);
      expect(old?.status).toBe("valid");
      await intoRenewalWindow(env, context, page, old!.notAfter, skew);
      // The browser's own clock is really off (a real clock, not our code's).
      const browserNow = await page.evaluate(() => Date.now());
      expect(Math.abs(browserNow - (env.clock.now().getTime() + skew))).toBeLessThan(minute);

      // The centre's home: a notice when the clock is far off, none within the CA's five minutes;
      // the status is the bank's (renewable, 20 days left), not one computed on the wrong clock.
      await page.goto("/certcenter");
      await onPage(page, cc.title);
      const row = page.locator("tr").filter({ hasText: cc.purpose.bank }).first();
      await row.waitFor();
      const notice = page.getByRole("status").filter({ hasText: cc.clock.title });
      if (far) {
        await notice.waitFor();
        expect(await shownText(notice)).toContain(clockWords(skew));
      } else {
        expect(await notice.count()).toBe(0);
      }
      expect(await shownText(row)).toContain(cc.status.expiring);
      await step(page, "home");

      // Renewal: the kur and its confirmation are signed requests the CA refuses when their time is
      // more than five minutes off its own; they carry the bank's time, so it goes through.
      await renewFromWindow(page);
      if (far)
        expect(await shownText(page.getByRole("status").filter({ hasText: cc.clock.title }))).toContain(
          clockWords(skew),
        );
      expect(await shownText(page.locator("main"))).not.toContain(cc.issue.failedTitle);
      await page.getByRole("heading", { name: cc.issue.doneTitle, level: 2 }).waitFor();
      await step(page, "renewed");
      const after = await serverCertificates(page);
      const renewed = after.filter((c) => c.serial !== old!.serial && c.status === "valid");
      expect(renewed).toHaveLength(1);
      expect((await certificatesByStatus(env)).pending ?? 0).toBe(0);
      // This browser holds the new certificate alone.
      expect(await browserRecords(page)).toHaveLength(1);
      expect(errors).toEqual([]);
      await context.close();
    }, 300_000);
  }

  it("(2) two tabs renewing at once: one renewal, the other told plainly, one new certificate in this browser", async () => {
    const env = await startForTest();
    const step = steps("certcenter-refusal-two-tabs", "desktop");
    const context = await env.context("desktop");
    const first = await context.newPage();
    const errors = pageErrors(first);
    await issueToBrowser(env, context, first);
    const [old] = await serverCertificates(first);
    expect(old?.status).toBe("valid");
    await intoRenewalWindow(env, context, first, old!.notAfter, 0);
    const second = await context.newPage();
    errors.push(...pageErrors(second));
    // Both tabs: the renewal page, the window, the password typed; then both press 확인 together.
    for (const page of [first, second]) {
      await page.goto("/certcenter/renew");
      await onPage(page, cc.issue.renewTitle);
      await page.getByRole("button", { name: cc.issue.renewChoose, exact: true }).click();
      const dialog = page.getByRole("dialog", { name: cc.window.title });
      await dialog.getByRole("row").filter({ hasText: cc.purpose.bank }).first().waitFor();
      await dialog.getByLabel(cc.window.password, { exact: true }).fill(certPassword);
    }
    await Promise.all(
      [first, second].map((page) =>
        page
          .getByRole("dialog", { name: cc.window.title })
          .getByRole("button", { name: cc.window.confirm, exact: true })
          .click(),
      ),
    );
    const outcome = async (page: Page): Promise<"done" | "failed"> => {
      const done = page.getByRole("heading", { name: cc.issue.doneTitle, level: 2 });
      const failed = page.getByRole("heading", { name: cc.issue.failedTitle, level: 2 });
      await done.or(failed).first().waitFor({ timeout: 180_000 });
      return (await done.count()) > 0 ? "done" : "failed";
    };
    const outcomes = await Promise.all([outcome(first), outcome(second)]);
    expect([...outcomes].sort()).toEqual(["done", "failed"]);
    const loser = outcomes[0] === "failed" ? first : second;
    const winner = loser === first ? second : first;
    const refusal = await alertText(loser);
    expect(refusal).toContain(cmpReasonWords.old_renewed?.ko);
    expect(refusal).toContain(cc.issue.failedNothing);
    // The losing tab reads its list again: the certificate it tried is renewed, nothing is left to renew.
    await loser.getByText(cc.issue.renewNone, { exact: true }).waitFor();
    await step(winner, "renewed");
    await step(loser, "told-already-renewed");
    // The server: the old one superseded, exactly one new one valid, nothing left pending.
    const after = await serverCertificates(first);
    const renewed = after.filter((c) => c.serial !== old!.serial && c.status === "valid");
    expect(renewed).toHaveLength(1);
    expect((await certificatesByStatus(env)).pending ?? 0).toBe(0);
    expect((await certificatesByStatus(env)).valid).toBe(1);
    // This browser: exactly one record, the new certificate, whole.
    const records = await browserRecords(first);
    expect(records).toHaveLength(1);
    const { rows } = await env.app.db.query<{ der: Uint8Array }>(
      "SELECT der FROM certificates WHERE serial = decode($1, 'hex')",
      [renewed[0]!.serial],
    );
    expect(Buffer.from(records[0]!.certificate)).toEqual(Buffer.from(rows[0]!.der));
    await first.goto("/certcenter/manage");
    await first.getByRole("button", { name: cc.window.title, exact: true }).click();
    const grid = first
      .getByRole("dialog", { name: cc.window.title })
      .getByRole("grid", { name: cc.window.listLabel });
    await grid.getByRole("row").nth(1).waitFor();
    expect(await grid.getByRole("row").count()).toBe(2);
    expect(await shownText(grid)).toContain(cc.status.valid);
    expect(errors).toEqual([]);
    await context.close();
  }, 360_000);

  it("(3) a record changed in this browser's IndexedDB is listed as damaged and cannot be used", async () => {
    const env = await startForTest();
    const step = steps("certcenter-refusal-tampered", "desktop");
    const context = await env.context("desktop");
    const page = await context.newPage();
    const errors = pageErrors(page);
    await issueToBrowser(env, context, page);
    const [record] = await browserRecords(page);
    expect(record).toBeDefined();
    const changes = {
      // One byte of the certificate's signature: it still parses, but is not the certificate saved.
      certificate: (r: StoredRecord) => {
        const certificate = [...r.certificate];
        certificate[certificate.length - 5]! ^= 0x01;
        return { ...r, certificate };
      },
      // The key file cut short: not a key file any more.
      "key-file": (r: StoredRecord) => ({ ...r, keyFile: r.keyFile.slice(0, 40) }),
    };
    for (const [name, change] of Object.entries(changes)) {
      await putBrowserRecord(page, change(record!));
      await page.goto("/certcenter/manage");
      await onPage(page, cc.menu.manage);
      await page.getByRole("button", { name: cc.window.title, exact: true }).click();
      const dialog = page.getByRole("dialog", { name: cc.window.title });
      const grid = dialog.getByRole("grid", { name: cc.window.listLabel });
      const damaged = grid.getByRole("row").filter({ hasText: cc.window.unreadable });
      await damaged.waitFor();
      expect(await grid.getByRole("row").count(), name).toBe(2); // the header and the damaged one
      await damaged.click();
      await dialog.getByLabel(cc.window.password, { exact: true }).fill(certPassword);
      await dialog.getByRole("button", { name: cc.window.confirm, exact: true }).click();
      await dialog.getByText(cc.window.damaged).waitFor();
      await step(page, `damaged-${name}`);
      // Still on the manage page: nothing was opened with it.
      expect(
        await page
          .getByRole("status")
          .filter({ hasText: cc.window.selected("") })
          .count(),
      ).toBe(0);
      await dialog.getByRole("button", { name: cc.window.close, exact: true }).click();
    }
    // The server's side is untouched: the certificate is as issued.
    expect(await certificatesByStatus(env)).toEqual({ valid: 1 });
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);

  it("(3) this browser's storage full during issuance: store_full in words, the certificate rejected, no fee taken", async () => {
    const env = await startForTest();
    const step = steps("certcenter-refusal-store-full", "desktop");
    const context = await env.context("desktop");
    const page = await context.newPage();
    const errors = pageErrors(page);
    const feeAccount = await demandAccountOf(env, hong.userId);
    const before = await accountByNumber(env, feeAccount.number);
    await context.clock.setSystemTime(env.clock.now());
    await memberLogin(page, hong.userId, hong.password);
    await walkToStorage(page, env, { purpose: "universal", storage: "browser", step });
    expect((await accountByNumber(env, feeAccount.number)).available).toBe(before.available - 4400n);
    // The browser's own quota for this origin, as a full disk leaves it: a byte.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Storage.overrideQuotaForOrigin", { origin: env.url, quotaSize: 1 });
    await page.getByRole("button", { name: cc.steps.progress, exact: true }).click();
    await page.getByRole("heading", { name: cc.issue.failedTitle, level: 2 }).waitFor({ timeout: 120_000 });
    const refusal = await alertText(page);
    expect(refusal).toContain(certStoreWords.store_full.ko);
    expect(refusal).toContain(cc.issue.failedNothing);
    await step(page, "store-full");
    // The CA was told (certConf rejecting it): the certificate is revoked, never valid or pending.
    expect(await certificatesByStatus(env)).toEqual({ revoked: 1 });
    // The fee was only held, and the hold is given back.
    expect(await heldFees(env)).toBe(0);
    const after = await accountByNumber(env, feeAccount.number);
    expect(after.balance).toBe(before.balance);
    expect(after.available).toBe(before.available);
    await cdp.send("Storage.overrideQuotaForOrigin", { origin: env.url });
    expect(await browserRecords(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);

  it("(4) a folder that also holds kmCert.der and kmPri.key lists the signing certificate only, and it logs in", async () => {
    const env = await startForTest();
    const step = steps("certcenter-refusal-km-folder", "desktop");
    const context = await env.context("desktop");
    // Where the native folder picker would open: the origin-private directory, a real directory handle.
    await context.addInitScript(() => {
      (
        window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }
      ).showDirectoryPicker = () => navigator.storage.getDirectory();
    });
    const page = await context.newPage();
    const errors = pageErrors(page);
    await context.clock.setSystemTime(env.clock.now());
    await memberLogin(page, hong.userId, hong.password);
    await walkToStorage(page, env, { purpose: "bank", storage: "folder" });
    await page.getByRole("button", { name: cc.steps.progress, exact: true }).click();
    await issued(page);
    // The key-management pair beside the signing pair, as CAs that issue both leave it: copies of
    // the signing files, so that a window reading them would list a second, whole certificate.
    const folder = await page.evaluate(async () => {
      async function subjectFolder(
        dir: FileSystemDirectoryHandle,
        path: string,
      ): Promise<[FileSystemDirectoryHandle, string]> {
        for await (const [name, handle] of (
          dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }
        ).entries()) {
          if (name === "signCert.der") return [dir, path];
          if (handle.kind === "directory") {
            const found = await subjectFolder(handle as FileSystemDirectoryHandle, `${path}${name}/`).catch(
              () => undefined,
            );
            if (found) return found;
          }
        }
        throw new Error("no signCert.der");
      }
      const [dir, path] = await subjectFolder(await navigator.storage.getDirectory(), "");
      for (const [from, to] of [
        ["signCert.der", "kmCert.der"],
        ["signPri.key", "kmPri.key"],
      ] as const) {
        const bytes = await (await (await dir.getFileHandle(from)).getFile()).arrayBuffer();
        const w = await (await dir.getFileHandle(to, { create: true })).createWritable();
        await w.write(bytes);
        await w.close();
      }
      const names: string[] = [];
      for await (const [name] of (
        dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }
      ).entries()) {
        names.push(name);
      }
      return { path, names: names.sort() };
    });
    expect(folder.path).toMatch(/^NPKI\/[^/]+\/USER\/[^/]+\/$/);
    expect(folder.names).toEqual(["kmCert.der", "kmPri.key", "signCert.der", "signPri.key"]);

    // Certificate login from that folder.
    await page.getByRole("button", { name: ko.common.logout }).first().click();
    await onPage(page, ko.login.title);
    await page.getByRole("button", { name: ko.login.certificateLogin }).click();
    const dialog = page.getByRole("dialog", { name: cc.window.title });
    await dialog.getByRole("tab", { name: cc.window.places.folder }).click();
    await dialog.getByRole("button", { name: cc.window.pickFolder, exact: true }).click();
    const grid = dialog.getByRole("grid", { name: cc.window.listLabel });
    await grid.getByRole("row").nth(1).waitFor();
    expect(await grid.getByRole("row").count()).toBe(2); // the header and the signing certificate
    expect(await shownText(grid)).toContain(cc.purpose.bank);
    expect(await shownText(grid)).not.toContain(cc.window.unreadable);
    await step(page, "one-listed");
    await dialog.getByLabel(cc.window.password, { exact: true }).fill(certPassword);
    const [loggedIn] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === "/api/auth/certificate/login"),
      dialog.getByRole("button", { name: cc.window.confirm, exact: true }).click(),
    ]);
    expect(loggedIn.status(), await loggedIn.text()).toBe(200);
    await onPage(page, ko.home.title);
    await step(page, "logged-in");
    expect(errors).toEqual([]);
    await context.close();
  }, 240_000);

  it("(5) a .zip whose paths climb out or are absolute, and zip bombs: refused in the window's words, nothing listed", async () => {
    const env = await startForTest();
    const step = steps("certcenter-refusal-zip", "desktop");
    const context = await env.context("desktop");
    const page = await context.newPage();
    const errors = pageErrors(page);
    await memberLogin(page, hong.userId, hong.password);
    const junk = new Uint8Array(1200).fill(0x30);
    const zeros = new Uint8Array(200 * 1024);
    const cases: { name: string; zip: Buffer; code: keyof typeof certStoreWords }[] = [
      {
        name: "zip-slip",
        zip: zipOf([
          { name: "../../evil/signCert.der", data: junk },
          { name: "../../evil/signPri.key", data: junk },
        ]),
        code: "archive_unsafe_path",
      },
      {
        name: "absolute-path",
        zip: zipOf([
          { name: "/NPKI/yessign/USER/evil/signCert.der", data: junk },
          { name: "/NPKI/yessign/USER/evil/signPri.key", data: junk },
        ]),
        code: "archive_unsafe_path",
      },
      // 200 KB of zeros deflated to a few hundred bytes: a ratio no certificate folder has.
      {
        name: "bomb-ratio",
        zip: zipOf([{ name: "NPKI/signCert.der", data: zeros, deflate: true }]),
        code: "archive_too_large",
      },
      // An entry declaring 100 MB.
      {
        name: "bomb-size",
        zip: zipOf([{ name: "NPKI/signCert.der", data: junk, declaredSize: 100 * 1024 * 1024 }]),
        code: "archive_too_large",
      },
      // An entry that lies: it declares 1,200 bytes and inflates to 200 KB.
      {
        name: "bomb-lying",
        zip: zipOf([{ name: "NPKI/signCert.der", data: zeros, deflate: true, declaredSize: 1200 }]),
        code: "archive_too_large",
      },
    ];
    for (const c of cases) {
      const dialog = await openWindowOnFiles(page);
      await dialog
        .locator('input[type="file"]')
        .setInputFiles({ name: `${c.name}.zip`, mimeType: "application/zip", buffer: c.zip });
      const alert = dialog.getByRole("alert");
      await alert.waitFor();
      const words = await shownText(alert);
      expect(words, c.name).toContain(cc.window.readFailed);
      expect(words, c.name).toContain(certStoreWords[c.code].ko);
      expect(await dialog.getByRole("grid", { name: cc.window.listLabel }).count(), c.name).toBe(0);
      await step(page, c.name);
      await dialog.getByRole("button", { name: cc.window.close, exact: true }).click();
    }
    expect(await certificatesByStatus(env)).toEqual({});
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);

  it("(6) a .pfx with two keys in plain bags opened in the window: refused in the window's words, nothing listed", async () => {
    const env = await startForTest();
    const step = steps("certcenter-refusal-pfx", "desktop");
    const context = await env.context("desktop");
    const page = await context.newPage();
    const errors = pageErrors(page);
    await memberLogin(page, hong.userId, hong.password);
    const pfx = pfxWithTwoKeys();
    // OpenSSL reads it and finds two keys.
    const read = execFileSync("openssl", ["pkcs12", "-nomacver", "-passin", "pass:", "-nodes"], {
      input: pfx,
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
    });
    expect(read.match(/-----BEGIN PRIVATE KEY-----/g)).toHaveLength(2);
    const dialog = await openWindowOnFiles(page);
    await dialog
      .locator('input[type="file"]')
      .setInputFiles({ name: "several-keys.pfx", mimeType: "application/x-pkcs12", buffer: pfx });
    // A .pfx is sealed whole: the window asks for its password before it lists anything. This one's
    // keys are in plain key bags (-keypbe NONE, so its halves could be joined), which the window
    // refuses before it counts them; several encrypted keys (several_keys) are refused in
    // test/web/selection-window.browser.test.ts.
    await dialog.getByLabel(cc.window.pfx.password, { exact: true }).fill("any-password");
    await dialog.getByRole("button", { name: cc.window.pfx.open, exact: true }).click();
    const alert = dialog.getByRole("alert");
    await alert.waitFor();
    expect(await shownText(alert)).toContain(cc.window.readFailed);
    expect(await dialog.getByRole("grid", { name: cc.window.listLabel }).count()).toBe(0);
    await step(page, "pfx-refused");
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
