// The member uses the 공동인증서 in Chromium, at a desktop and a phone width: the demo member gets
// a real certificate (a web authorisation made through the API with the page's own session, the
// key made and enrolled by the browser's own enrolment code run here in Node, stored in a .zip
// written to disk), then, in the page, opens that .zip in the selection window as a member would:
// certificate login (a wrong certificate password first, its tries counted), a transfer signed
// with it whose signature and signed content `openssl cms -verify` accepts with the CA chain, and
// the refusals a browser meets: another member's certificate signing a transfer, a revoked
// certificate at login, the certificate password wrong three times. Every step: axe clean, no CSP
// violation, a screenshot kept.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeCertificate } from "../../src/ca/revocation.ts";
import { authorizeForUser } from "../../src/certcenter/authorize.ts";
import { demoLogins } from "../../src/demo/seed.ts";
import { authWords } from "../../src/messages/auth.ts";
import { certcenterWords as ccWords } from "../../src/messages/certcenter.ts";
import { consentDocuments } from "../../src/messages/consent-documents.ts";
import { decryptKeyFile, encryptKeyFile } from "../../src/pki/key-file.ts";
import { getRandomNum, setRandomNum } from "../../src/pki/private-key.ts";
import { X509Certificate } from "../../src/pki/x509.ts";
import { issueAndStore } from "../../web/src/certcenter/enrolment.ts";
import { ko as cc } from "../../web/src/certcenter/i18n/ko.ts";
import { runKeygenJob } from "../../web/src/certcenter/keygen-job.ts";
import { ZipCertificateStore } from "../../web/src/certcenter/storage/archive.ts";
import { e2eForFile, steps, viewportNames } from "./support/harness.ts";
import { demandAccountByName, demandAccountOf, demoOtpCode, enrolledMember } from "./support/ledger.ts";
import { alertText, ko, memberLogin, onPage, shownText } from "./support/ui.ts";

const certPassword = "Gm7#kq2!Rv9z";
const hong = demoLogins.member;

const e2e = e2eForFile();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "geumgo-cert-use-"));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The page's session, as the node side calls the API with it (cookie and CSRF token). */
async function sessionOf(context: BrowserContext): Promise<{ cookie: string; csrf: string }> {
  const cookie = (await context.cookies())
    .filter((c) => c.name === "geumgo_session")
    .map((c) => `${c.name}=${c.value}`)
    .join("; ");
  const r = await fetch(`${e2e.url}/api/session`, { headers: { cookie } });
  const { csrfToken } = (await r.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken };
}

/** CMP to the test server, with the session's cookie when the authorisation is bound to one. */
function cmpSender(cookie?: string) {
  return async (der: Uint8Array<ArrayBuffer>) => {
    const r = await fetch(`${e2e.url}/pki/cmp`, {
      method: "POST",
      headers: { "content-type": "application/pkixcmp", ...(cookie ? { cookie } : {}) },
      body: der,
    });
    expect(r.status).toBe(200);
    return new Uint8Array(await r.arrayBuffer());
  };
}

/** Transfers in the ledger: what a refused or cancelled send must leave as it was. */
async function transferCount(): Promise<number> {
  const { rows } = await e2e.app.db.query<{ n: number }>("SELECT count(*)::int AS n FROM transfers");
  return rows[0]!.n;
}

/** What docs/api.md tells an auditor to run; throws when OpenSSL refuses. */
function opensslVerify(signature: string, content: string, chain: string): void {
  const args = ["cms", "-verify", "-binary", "-inform", "DER", "-in", signature, "-content", content];
  execFileSync("openssl", [...args, "-CAfile", chain, "-purpose", "any", "-out", "/dev/null"], {
    stdio: "pipe",
  });
}

const keygen = (request: { password: string }) => runKeygenJob({ ...request, iterations: 2048 });

/** Enrols a certificate into a new .zip on disk; returns its path and the certificate. */
async function enrolToZip(
  name: string,
  authorization: { referenceNumber: string; authorizationCode: string },
  cookie?: string,
): Promise<{ path: string; certificate: Uint8Array; keyFile: Uint8Array }> {
  const store = ZipCertificateStore.empty();
  const { stored } = await issueAndStore({
    send: cmpSender(cookie),
    store,
    keygen,
    password: certPassword,
    ...authorization,
  });
  const path = join(dir, name);
  writeFileSync(path, store.toZip());
  return { path, certificate: stored.certificate, keyFile: stored.keyFile };
}

/** Opens the selection window's .zip tab and the file in it, as a member picks a file. */
async function openZip(page: Page, path: string): Promise<void> {
  const dialog = page.getByRole("dialog", { name: cc.window.title });
  await dialog.waitFor();
  await dialog.getByRole("tab", { name: cc.window.places.archive }).click();
  await dialog.locator('input[type="file"]').setInputFiles(path);
  await dialog.getByRole("grid", { name: cc.window.listLabel }).getByRole("row").nth(1).waitFor();
}

async function typeCertPassword(page: Page, password: string): Promise<void> {
  const dialog = page.getByRole("dialog", { name: cc.window.title });
  await dialog.getByLabel(cc.window.password, { exact: true }).fill(password);
  await dialog.getByRole("button", { name: cc.window.confirm, exact: true }).click();
}

describe("the member uses the certificate: login and a signed transfer", () => {
  it.each(viewportNames)(
    "at %s width",
    async (viewport) => {
      const step = steps("certificate-use", viewport);
      const context = await e2e.context(viewport);
      const page = await context.newPage();
      // The browser's clock is the server's (the test's): the certificate's dates and the signing time.
      await page.clock.setFixedTime(e2e.clock.now());
      await memberLogin(page, hong.userId, hong.password);

      // A web authorisation with this page's session, then enrolment as the browser does it.
      const session = await sessionOf(context);
      const account = await demandAccountOf(e2e, hong.userId);
      // The terms and privacy consent the issue page posts on its first step.
      const consent = await fetch(`${e2e.url}/api/certcenter/consents`, {
        method: "POST",
        headers: { cookie: session.cookie, "x-csrf-token": session.csrf, "content-type": "application/json" },
        body: JSON.stringify(
          Object.fromEntries(Object.values(consentDocuments).map((d) => [d.id, d.version])),
        ),
      });
      expect(consent.status, await consent.clone().text()).toBe(201);
      const authorized = await fetch(`${e2e.url}/api/certcenter/authorizations`, {
        method: "POST",
        headers: { cookie: session.cookie, "x-csrf-token": session.csrf, "content-type": "application/json" },
        body: JSON.stringify({
          purpose: "bank",
          rrn: "8503151234567",
          account: account.number,
          pin: "1234",
          otp: await demoOtpCode(e2e, hong.userId),
        }),
      });
      expect(authorized.status, await authorized.clone().text()).toBe(201);
      const mine = await enrolToZip(
        `hong-${viewport}.zip`,
        (await authorized.json()) as { referenceNumber: string; authorizationCode: string },
        session.cookie,
      );

      await page.clock.setFixedTime(e2e.clock.now());
      // (a) Log out, then log in with the certificate: a wrong certificate password first.
      await page.getByRole("button", { name: ko.common.logout }).first().click();
      await onPage(page, ko.login.title);
      await page.getByRole("button", { name: ko.login.certificateLogin }).click();
      await openZip(page, mine.path);
      const dialog = page.getByRole("dialog", { name: cc.window.title });
      expect(await shownText(dialog)).toContain("홍길동");
      await step(page, "login-window");
      await typeCertPassword(page, "Wrong#pass1");
      await dialog.getByText(cc.window.wrong(1, 3)).waitFor();
      await step(page, "login-wrong-password");
      await page.clock.setFixedTime(e2e.clock.now());
      const [loggedIn] = await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === "/api/auth/certificate/login"),
        typeCertPassword(page, certPassword),
      ]);
      expect(loggedIn.status(), await loggedIn.text()).toBe(200);
      await onPage(page, ko.home.title);
      await page.getByText(ko.home.hello("홍길동")).waitFor();
      await step(page, "home-after-certificate-login");

      // (b) A transfer, signed with the certificate.
      const to = await demandAccountByName(e2e, "김영희");
      await page.goto("/transfer");
      await onPage(page, ko.transfer.title);
      await page.getByLabel(ko.transfer.to, { exact: true }).fill(to.number);
      await page.getByLabel(ko.transfer.amount, { exact: true }).fill("12000");
      await page.getByLabel(ko.transfer.memoOptional, { exact: true }).fill("서명 이체");
      await page.getByRole("button", { name: ko.transfer.next, exact: true }).click();
      await onPage(page, ko.transfer.confirmTitle);
      await page.getByRole("heading", { name: ko.transfer.signTitle }).waitFor();
      await page.getByLabel(ko.transfer.pin, { exact: true }).fill("1234");
      await page.getByLabel(ko.transfer.otp, { exact: true }).fill(await demoOtpCode(e2e, hong.userId));
      await step(page, "transfer-confirm");
      await page.clock.setFixedTime(e2e.clock.now());
      await page.getByRole("button", { name: ko.transfer.send("12,000원") }).click();
      await openZip(page, mine.path);
      await step(page, "transfer-sign-window");
      const [posted] = await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === "/api/transfers"),
        typeCertPassword(page, certPassword),
      ]);
      expect(posted.status()).toBe(201);
      const sent = JSON.parse(posted.request().postData() ?? "{}") as Record<string, string>;
      expect(sent.signature).toMatch(/^[A-Za-z0-9+/]+=*$/);
      await onPage(page, ko.transfer.doneTitle);
      const download = page.getByRole("link", { name: ko.transfer.signatureDownload });
      await download.waitFor();
      await step(page, "transfer-receipt-signed");
      const id = ((await posted.json()) as { id: string }).id;

      // The signature and the signed content as downloaded, checked by OpenSSL with the CA chain.
      const get = async (path: string) => {
        const r = await fetch(`${e2e.url}${path}`, {
          headers: { cookie: (await sessionOf(context)).cookie },
        });
        expect(r.status, path).toBe(200);
        return new Uint8Array(await r.arrayBuffer());
      };
      expect(await download.getAttribute("href")).toBe(`/api/transfers/${id}/signature`);
      const sig = join(dir, `transfer-${viewport}.p7s`);
      const form = join(dir, `transfer-${viewport}.json`);
      const chain = join(dir, "chain.pem");
      // The member's downloads, as the browser saves them, are the server's bytes.
      for (const [link, path, file] of [
        [ko.transfer.signatureDownload, `/api/transfers/${id}/signature`, sig],
        [ko.transfer.signedContentDownload, `/api/transfers/${id}/signed-content`, form],
      ] as const) {
        const [saved] = await Promise.all([
          page.waitForEvent("download"),
          page.getByRole("link", { name: link }).click(),
        ]);
        expect(saved.suggestedFilename()).toMatch(new RegExp(`^transfer-${id}\\.(p7s|json)$`));
        await saved.saveAs(file);
        expect(new Uint8Array(readFileSync(file))).toEqual(await get(path));
      }
      const content = new Uint8Array(readFileSync(form));
      writeFileSync(chain, await get("/pki/chain.pem"));
      const issuingDer = await get("/pki/issuing-ca.der");
      expect(new X509Certificate(new Uint8Array(mine.certificate)).issuer).toBe(
        new X509Certificate(issuingDer).subject,
      );
      const signedForm = JSON.parse(new TextDecoder().decode(content)) as Record<string, string>;
      expect(signedForm).toMatchObject({
        amount: "12000",
        to: to.number,
        memo: "서명 이체",
        nonce: sent.signatureNonce,
        time: sent.signedAt,
      });
      opensslVerify(sig, form, chain);
      // A byte changed in the content: OpenSSL refuses it.
      const tampered = Buffer.from(content);
      tampered.writeUInt8(tampered.readUInt8(tampered.length - 3) ^ 1, tampered.length - 3);
      writeFileSync(form, tampered);
      expect(() => opensslVerify(sig, form, chain)).toThrow();

      // (c) Another member's certificate signing this member's transfer: refused with its words.
      const other = await enrolledMember(
        e2e,
        {
          name: viewport === "desktop" ? "박서명" : "최서명",
          rrn: viewport === "desktop" ? "8801011234561" : "8901011234562",
          phone: "010-5555-0101",
          address: "서울특별시 중구 세종대로 1",
        },
        { userId: `sign${viewport.slice(0, 1)}2026`, password: "Signer!2026pw" },
      );
      expect(other.id).toBeDefined();
      const otherAuth = await authorizeForUser(e2e.app, {
        userId: `sign${viewport.slice(0, 1)}2026`,
        purpose: "bank",
        channel: "web",
        actor: "member",
      });
      const theirs = await enrolToZip(`other-${viewport}.zip`, otherAuth);
      await page.getByRole("button", { name: ko.transfer.another }).click();
      await onPage(page, ko.transfer.title);
      await page.getByLabel(ko.transfer.to, { exact: true }).fill(to.number);
      await page.getByLabel(ko.transfer.amount, { exact: true }).fill("3000");
      await page.getByRole("button", { name: ko.transfer.next, exact: true }).click();
      await onPage(page, ko.transfer.confirmTitle);
      await page.getByLabel(ko.transfer.pin, { exact: true }).fill("1234");
      await page.getByLabel(ko.transfer.otp, { exact: true }).fill(await demoOtpCode(e2e, hong.userId));
      await page.clock.setFixedTime(e2e.clock.now());
      // Closing the window sends nothing (and spends no code): the member can send again.
      const transfersBefore = await transferCount();
      await page.getByRole("button", { name: ko.transfer.send("3,000원") }).click();
      await dialog.getByRole("button", { name: cc.issue.cancel, exact: true }).click();
      await page.getByRole("status").getByText(ko.transfer.signCancelled).waitFor();
      expect(await dialog.isVisible()).toBe(false);
      expect(await transferCount()).toBe(transfersBefore);
      await step(page, "transfer-sign-cancelled");
      await page.getByRole("button", { name: ko.transfer.send("3,000원") }).click();
      await openZip(page, theirs.path);
      await typeCertPassword(page, certPassword);
      expect(await alertText(page)).toContain(ccWords.certificate_other_member.ko);
      expect(await transferCount()).toBe(transfersBefore);
      await step(page, "transfer-other-members-certificate");

      // (c) At login, the other member's certificate with a key file carrying this member's R (a
      // key file swapped between two people's folders): its VID does not match, and it is refused.
      await page.getByRole("button", { name: ko.common.logout }).first().click();
      await onPage(page, ko.login.title);
      const hongR = getRandomNum((await decryptKeyFile(mine.keyFile, certPassword)).pkcs8);
      expect(hongR).toBeDefined();
      const theirKey = (await decryptKeyFile(theirs.keyFile, certPassword)).pkcs8;
      const swapped = ZipCertificateStore.empty();
      await swapped.write({
        certificate: theirs.certificate,
        keyFile: await encryptKeyFile(setRandomNum(theirKey, hongR!), certPassword, { iterations: 2048 }),
      });
      const swappedPath = join(dir, `swapped-${viewport}.zip`);
      writeFileSync(swappedPath, swapped.toZip());
      await page.getByRole("button", { name: ko.login.certificateLogin }).click();
      await openZip(page, swappedPath);
      await page.clock.setFixedTime(e2e.clock.now());
      await typeCertPassword(page, certPassword);
      expect(await alertText(page)).toContain(authWords.vid_mismatch.ko);
      await onPage(page, ko.login.title);
      await step(page, "login-vid-mismatch");

      // (c) The certificate revoked: the login with it is refused, in the server's words.
      const { rows } = await e2e.app.db.query<{ serial: Uint8Array }>(
        "SELECT serial FROM certificates WHERE der = $1",
        [Buffer.from(mine.certificate)],
      );
      await revokeCertificate(e2e.app.ca, {
        serial: new Uint8Array(rows[0]!.serial),
        reason: "keyCompromise",
        actor: "test",
      });
      await page.getByRole("button", { name: ko.login.certificateLogin }).click();
      await openZip(page, mine.path);
      await page.clock.setFixedTime(e2e.clock.now());
      await typeCertPassword(page, certPassword);
      expect(await alertText(page)).toContain(authWords.certificate_revoked.ko);
      await onPage(page, ko.login.title);
      await step(page, "login-revoked");

      // (c) The certificate password wrong three times: the window stops trying.
      await page.getByRole("button", { name: ko.login.certificateLogin }).click();
      await openZip(page, mine.path);
      for (let i = 0; i < 3; i++) await typeCertPassword(page, `Wrong#pass${i}`);
      await dialog.getByText(cc.window.tooMany).waitFor();
      expect(await dialog.getByLabel(cc.window.password, { exact: true }).isDisabled()).toBe(true);
      await step(page, "login-three-wrong");
      await context.close();
    },
    240_000,
  );
});
