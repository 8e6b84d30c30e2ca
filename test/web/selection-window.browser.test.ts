// The certificate selection window in Chromium, on real certificates and a real encrypted key
// file: rows sorted and classified (ours from the server's list, another CA's from its dates, an
// expired one greyed out), arrow keys move the choice, a wrong password is found by failing to
// decrypt and counted on screen, three per opening, and the right one hands back the signer; the
// renew button and Escape reach the page. The store is an in-memory CertificateStore (the real
// adapters are the storage part's); the decryption is src/pki's. A .pfx (a real one, written by
// Python's cryptography) is opened through the real source: its password first, tries counted,
// then its one certificate listed and signed with once; one with several keys is refused.
import "../../web/src/styles/app.css";
import "../../web/src/certcenter/certcenter.css";
import { createElement } from "react";
import { beforeAll, describe, expect, it } from "vitest";
import { page, userEvent } from "vitest/browser";
import { readCertificateSummary } from "../../src/pki/certificate.ts";
import { verifyCms } from "../../src/pki/cms.ts";
import { decryptKeyFile, encryptKeyFile } from "../../src/pki/key-file.ts";
import { writePkcs12 } from "../../src/pki/pkcs12-write.ts";
import { issuePersonalCertificate } from "../../src/pki/profile.ts";
import { generateKeyParams } from "../../src/pki/signature-algorithms.ts";
import type { ServerCertificate } from "../../web/src/certcenter/api.ts";
import type { CertificateRow } from "../../web/src/certcenter/describe.ts";
import { ko as cc } from "../../web/src/certcenter/i18n/ko.ts";
import { SelectionWindow, type SelectionWindowProps } from "../../web/src/certcenter/SelectionWindow.tsx";
import { openPfxFile } from "../../web/src/certcenter/sources.ts";
import type { CertificateStore, Signer, StoredCertificate } from "../../web/src/certcenter/storage/types.ts";
import { I18nProvider } from "../../web/src/i18n/index.tsx";
import { subject } from "../pki/certified-keys.ts";
import { vectorPassword } from "../pki/npki-vectors.ts";
import { readVector } from "../support/files.ts";
import { testCa } from "../support/test-ca.ts";
import { joinPfx, testPair } from "./certcenter/fixtures.ts";
import { mountPerTest } from "./support/mount.ts";

const day = 86_400_000;
const now = new Date();
const at = (days: number) => new Date(now.getTime() + days * day);
const password = "Right#pass9x";

interface Fixture {
  ours: StoredCertificate;
  other: StoredCertificate;
  expired: StoredCertificate;
  server: ServerCertificate;
}

let fixture: Fixture;

beforeAll(async () => {
  const ca = await testCa(at(-400));
  const keys = (await crypto.subtle.generateKey(generateKeyParams({ kind: "EC", curve: "P-256" }), true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  const keyFile = await encryptKeyFile(pkcs8, password, { iterations: 2048 });
  const issue = (
    notAfter: Date,
    purpose: "bank" | "universal",
    policyOids?: { bank: string; universal: string },
  ) =>
    issuePersonalCertificate({
      issuer: { certificate: ca.issuing },
      signingKey: ca.issuingKeys.privateKey,
      publicKey: keys.publicKey,
      subject,
      notBefore: at(-345),
      notAfter,
      purpose,
      ...(policyOids ? { policyOids } : {}),
      crlUrl: "http://ca.geumgo.test/crl/1.crl",
      ocspUrl: "http://ca.geumgo.test/ocsp",
    });
  const oursDer = await issue(at(20), "bank");
  const otherDer = await issue(at(200), "universal", {
    bank: "1.2.410.200005.1.1.4",
    universal: "1.2.410.200005.1.1.1",
  });
  const expiredDer = await issue(at(-2), "bank");
  const summary = readCertificateSummary(oursDer);
  fixture = {
    ours: { id: "ours", kind: "browser", certificate: oursDer, keyFile },
    other: { id: "other", kind: "browser", certificate: otherDer, keyFile },
    expired: { id: "expired", kind: "browser", certificate: expiredDer, keyFile },
    server: {
      serial: summary.serialNumber,
      purpose: "bank",
      status: "valid",
      notBefore: summary.notBefore.toISOString(),
      notAfter: summary.notAfter.toISOString(),
      subject: summary.subject,
      issuer: summary.issuer,
      renewable: { from: at(-10).toISOString(), until: at(20).toISOString() },
    },
  };
}, 60_000);

function memoryStore(entries: StoredCertificate[]): CertificateStore {
  return {
    kind: "browser",
    list: async () => entries,
    write: async () => {
      throw new Error("read-only in this test");
    },
    replace: async () => {
      throw new Error("read-only in this test");
    },
    delete: async () => {
      throw new Error("read-only in this test");
    },
  };
}

const mount = mountPerTest();

interface Seen {
  signers: { signer: Signer; row: CertificateRow }[];
  renewed: CertificateRow[];
  closed: number;
  decrypts: number;
}

function render(open: boolean, seen: Seen): void {
  const props: SelectionWindowProps = {
    open,
    onClose: () => {
      seen.closed++;
    },
    sources: { browser: memoryStore([fixture.expired, fixture.ours, fixture.other]) },
    // The signer module's job, done here with src/pki: decrypt, or PkiError "bad_password".
    openSigner: async (stored, typed) => {
      seen.decrypts++;
      await decryptKeyFile(stored.keyFile, typed);
      return {
        certificate: stored.certificate,
        vidRandom: undefined,
        signCms: async () => new Uint8Array(),
      };
    },
    onSigner: (signer, row) => seen.signers.push({ signer, row }),
    onRenew: (row) => seen.renewed.push(row),
    serverCertificates: [fixture.server],
  };
  mount.render(createElement(I18nProvider, null, createElement(SelectionWindow, props)));
}

async function until<T>(find: () => T | null | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    let found: T | null | undefined;
    try {
      found = find();
    } catch {
      // Not rendered yet.
    }
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("not found in time");
}

const dialog = () => document.querySelector<HTMLDialogElement>("dialog.cc-window")!;
const rows = () => [...dialog().querySelectorAll<HTMLTableRowElement>("tbody tr")];
const text = (el: Element | null | undefined) => el?.textContent?.trim() ?? "";
const passwordInput = () => dialog().querySelector<HTMLInputElement>("#cc-window-password")!;
const confirmButton = () =>
  [...dialog().querySelectorAll<HTMLButtonElement>("button[type=submit]")].find(
    (b) => text(b) === cc.window.confirm,
  )!;

async function submitPassword(typed: string): Promise<void> {
  await userEvent.clear(passwordInput());
  await userEvent.type(passwordInput(), typed);
  await userEvent.click(confirmButton());
}

describe("the certificate selection window", () => {
  it("lists and classifies, moves with the arrow keys, counts wrong passwords, and hands back the signer", async () => {
    localStorage.setItem("geumgo.lang", "ko");
    const seen: Seen = { signers: [], renewed: [], closed: 0, decrypts: 0 };
    render(true, seen);
    await until(() => (rows().length === 3 ? rows() : null));
    expect(dialog().open).toBe(true);

    // Kept to look at: the window at a desktop and a phone width (test-results/web/), in the
    // site's styles and a Korean font (this Chromium has none of its own).
    const font = document.createElement("style");
    for (const [weight, file] of [
      [400, "Regular"],
      [700, "Bold"],
    ] as const)
      font.append(
        `@font-face { font-family: Pretendard; font-weight: ${weight}; src: url("/node_modules/pretendard/dist/web/static/woff2/Pretendard-${file}.woff2"); }`,
      );
    document.head.append(font);
    await document.fonts.load("16px Pretendard", "인증서");
    await page.viewport(1280, 800);
    await page.screenshot({ path: "../../test-results/web/selection-window-desktop.png" });
    await page.viewport(360, 740);
    await page.screenshot({ path: "../../test-results/web/selection-window-phone.png" });

    // Usable first, latest expiry first; the expired one last and greyed out.
    const cells = rows().map((r) => [...r.cells].map((c) => text(c)));
    expect(cells.map((c) => c[0])).toEqual([cc.purpose.universal, cc.purpose.bank, cc.purpose.bank]);
    expect(cells[0]![4]).toBe(cc.status.valid); // another CA's, from its dates
    expect(cells[1]![4]).toContain(cc.status.expiring); // ours, 20 days left, in its window
    expect(cells[2]![4]).toBe(cc.status.expired);
    expect(rows()[2]!.classList.contains("cc-row-off")).toBe(true);
    expect(rows()[0]!.classList.contains("cc-row-off")).toBe(false);
    expect(cells[1]![1]).toContain("홍길동");
    // Only ours, in its renewal window, offers the renew button.
    const renewButtons = dialog().querySelectorAll("button.cc-renew");
    expect(renewButtons).toHaveLength(1);
    expect(rows()[1]!.contains(renewButtons[0]!)).toBe(true);

    // Arrow keys move the choice; Home and End go to the ends.
    expect(rows()[0]!.getAttribute("aria-selected")).toBe("true");
    await userEvent.click(rows()[0]!.cells[1]!);
    expect(document.activeElement).toBe(rows()[0]);
    await userEvent.keyboard("{ArrowDown}");
    expect(rows()[1]!.getAttribute("aria-selected")).toBe("true");
    expect(document.activeElement).toBe(rows()[1]);
    await userEvent.keyboard("{End}");
    expect(rows()[2]!.getAttribute("aria-selected")).toBe("true");

    // The expired one cannot be opened: nothing is decrypted.
    await submitPassword(password);
    await until(() => (text(dialog()).includes(cc.window.notUsable) ? true : null));
    expect(seen.decrypts).toBe(0);

    // Ours: three wrong passwords, each counted on screen; then the window takes no more.
    await userEvent.click(rows()[2]!.cells[1]!);
    await userEvent.keyboard("{ArrowUp}");
    expect(rows()[1]!.getAttribute("aria-selected")).toBe("true");
    for (let used = 1; used <= 3; used++) {
      await submitPassword(`Wrong#pass${used}x`);
      const expected = used < 3 ? cc.window.wrong(used, 3) : cc.window.tooMany;
      await until(() => (text(dialog()).includes(expected) ? true : null));
      expect(passwordInput().value).toBe("");
    }
    expect(seen.decrypts).toBe(3);
    expect(passwordInput().disabled).toBe(true);
    expect(confirmButton().disabled).toBe(true);
    expect(seen.signers).toHaveLength(0);

    // Escape asks the page to close; closed and opened again, the tries start over.
    await userEvent.keyboard("{Escape}");
    expect(seen.closed).toBe(1);
    render(false, seen);
    await until(() => (!dialog().open ? true : null));
    render(true, seen);
    await until(() => (rows().length === 3 ? rows() : null));
    expect(passwordInput().disabled).toBe(false);
    expect(text(dialog())).not.toContain(cc.window.tooMany);
    // The password field has focus as the window opens.
    expect(document.activeElement).toBe(passwordInput());

    // The renew button reaches the page with the row.
    await userEvent.click(dialog().querySelector<HTMLButtonElement>("button.cc-renew")!);
    expect(seen.renewed.map((r) => r.stored.id)).toEqual(["ours"]);

    // The right password: the signer comes back for the chosen certificate.
    rows()[1]!.click();
    await submitPassword(password);
    await until(() => (seen.signers.length === 1 ? true : null));
    expect(seen.signers[0]!.row.stored.id).toBe("ours");
    expect(seen.signers[0]!.signer.certificate).toBe(fixture.ours.certificate);
  });
});

describe("a .pfx in the selection window", () => {
  it("asks for the file's password first, counts wrong ones, then lists its one certificate and signs once", async () => {
    localStorage.setItem("geumgo.lang", "ko");
    const signers: { signer: Signer; row: CertificateRow }[] = [];
    let decrypts = 0;
    const props: SelectionWindowProps = {
      open: true,
      onClose: () => undefined,
      sources: { pfx: openPfxFile },
      openSigner: async () => {
        decrypts++;
        throw new Error("a .pfx is not opened through a key file");
      },
      onSigner: (signer, row) => signers.push({ signer, row }),
      // holder.pfx's certificate runs 2026-11-25 to 2026-12-25: looked at inside that month.
      now: () => new Date("2026-12-01T00:00:00Z"),
    };
    mount.render(createElement(I18nProvider, null, createElement(SelectionWindow, props)));
    await until(() => (dialog().open ? true : null));
    await userEvent.click(dialog().querySelector<HTMLButtonElement>(`[role=tab]:nth-child(3)`)!);
    const fileInput = await until(() => dialog().querySelector<HTMLInputElement>("input[type=file]"));
    const holder = await readVector("indep-pfx/holder.pfx");
    await userEvent.upload(fileInput, new File([new Uint8Array(holder)], "holder.pfx"));

    // Locked: nothing listed, the password asked for is the file's, the button opens the file.
    await until(() => (text(dialog()).includes(cc.window.pfx.locked("holder.pfx")) ? true : null));
    expect(rows()).toHaveLength(0);
    expect(text(dialog().querySelector("label[for=cc-window-password]"))).toBe(cc.window.pfx.password);
    expect(text(dialog().querySelector("#cc-window-password-case"))).toBe(cc.window.caseSensitive);
    const openButton = () =>
      [...dialog().querySelectorAll<HTMLButtonElement>("button[type=submit]")].find(
        (b) => text(b) === cc.window.pfx.open,
      )!;
    await userEvent.type(passwordInput(), "vector!2026kr");
    await userEvent.click(openButton());
    await until(() => (text(dialog()).includes(cc.window.wrong(1, 3)) ? true : null));
    expect(rows()).toHaveLength(0);
    expect(passwordInput().value).toBe("");

    // The right one: its certificate listed, no second password, and a signer that signs once.
    await userEvent.type(passwordInput(), vectorPassword);
    await userEvent.click(openButton());
    await until(() => (rows().length === 1 ? true : null));
    expect(text(rows()[0]!.cells[1])).toBe("pfx-holder");
    expect(dialog().querySelector("#cc-window-password")).toBeNull();
    expect(text(dialog())).toContain(cc.window.pfx.ready);
    await userEvent.click(confirmButton());
    await until(() => (signers.length === 1 ? true : null));
    expect(decrypts).toBe(0);
    const { signer, row } = signers[0]!;
    expect(row.stored.kind).toBe("archive");
    const content = new TextEncoder().encode("login challenge");
    const verified = await verifyCms({ signature: await signer.signCms(content), content });
    expect(verified.signer).toEqual(signer.certificate);
    await expect(signer.signCms(content)).rejects.toMatchObject({ code: "signer_used" });
    // Handed over once: the file is locked again, its password asked for the next signature.
    await until(() => (text(dialog()).includes(cc.window.pfx.locked("holder.pfx")) ? true : null));
    expect(rows()).toHaveLength(0);

    // A .pfx with two keys: the clear refusal, nothing listed to sign with.
    const [a, b] = [await testPair(), await testPair()];
    const pass = "Two#keys2026";
    const several = await joinPfx(
      await writePkcs12({ privateKey: a.pkcs8, certificates: [a.certificate] }, pass),
      await writePkcs12({ privateKey: b.pkcs8, certificates: [b.certificate] }, pass),
      pass,
    );
    await userEvent.upload(fileInput, new File([new Uint8Array(several)], "two.pfx"));
    await until(() => (text(dialog()).includes(cc.window.pfx.locked("two.pfx")) ? true : null));
    await userEvent.type(passwordInput(), pass);
    await userEvent.click(openButton());
    await until(() => (text(dialog()).includes("개인키가 여러 개") ? true : null));
    expect(rows()).toHaveLength(0);
    expect(signers).toHaveLength(1);
  });
});
