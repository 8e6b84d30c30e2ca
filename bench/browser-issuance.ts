// Issue 14's figure for the member: the time in Chromium from the click on the final 발급 button to
// the done screen (key pair made in the worker, key file written under 600,000 PBKDF2 iterations,
// CMP enrolment, the certificate stored in this browser's IndexedDB, certConf answered), RSA-2048,
// median of several; beside it, in the same page, WebCrypto's bare RSA-2048 key generation and the
// key file's bare PBKDF2 (the two costs of the worker's key job). The server, the web app and
// Chromium are the e2e harness's (test/e2e/support/harness.ts: web/dist must be built, `npm run
// build:web`). The demo member issues again and again: before each run the previous bank-use
// certificate is revoked (one live certificate per purpose per member). The wizard walk is the
// flows test's (test/e2e/certcenter-flows.test.ts) without its screenshots and axe checks; a test
// file cannot be imported here, so the two copies want one home in test/e2e/support.
import type { Page } from "playwright-core";
import { revokeCertificate } from "../src/ca/revocation.ts";
import { demoLogins } from "../src/demo/seed.ts";
import { fromHex } from "../src/pki/bytes.ts";
import { walkToStorage } from "../test/e2e/support/certcenter.ts";
import { type E2e, startE2e } from "../test/e2e/support/harness.ts";
import { memberLogin } from "../test/e2e/support/ui.ts";
import { ko as cc } from "../web/src/certcenter/i18n/ko.ts";
import { browserKeyFileIterations } from "../web/src/certcenter/keygen-job.ts";

const runs = Number(process.env.BENCH_BROWSER_ISSUANCES ?? 7);
const stages = Object.keys(cc.issue.progress) as (keyof typeof cc.issue.progress)[];

/** What the page saw of one issuance, in its own clock (performance.now, ms). */
interface Timeline {
  click: number;
  done: number;
  /** When each progress step became the current one. */
  stages: Record<string, number>;
}

/**
 * Clicks 발급 and waits for the done screen. The times are taken in the page (a capture listener
 * on the click, a MutationObserver on the progress list and the heading), so Playwright's round
 * trips do not count.
 */
async function issueOnce(page: Page): Promise<Timeline> {
  await page.evaluate(
    ({ doneTitle, labels }) => {
      const t: { click: number; done: number; stages: Record<string, number> } = {
        click: 0,
        done: 0,
        stages: {},
      };
      (globalThis as unknown as { __benchIssue: typeof t }).__benchIssue = t;
      document.addEventListener("click", () => (t.click ||= performance.now()), {
        capture: true,
        once: true,
      });
      const seen = () => {
        const now = performance.now();
        const current = document.querySelector('.cc-progress [aria-current="step"]')?.textContent ?? "";
        const stage = Object.entries(labels).find(([, label]) => label === current)?.[0];
        if (stage && !(stage in t.stages)) t.stages[stage] = now;
        const done = [...document.querySelectorAll("h2")].some((h) => h.textContent === doneTitle);
        if (done && !t.done) {
          t.done = now;
          observer.disconnect();
        }
      };
      const observer = new MutationObserver(seen);
      observer.observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
    },
    { doneTitle: cc.issue.doneTitle, labels: cc.issue.progress },
  );
  await page.getByRole("button", { name: cc.steps.progress, exact: true }).click();
  await page.getByRole("heading", { name: cc.issue.doneTitle, level: 2 }).waitFor({ timeout: 120_000 });
  await page.waitForFunction(
    () => (globalThis as unknown as { __benchIssue: Timeline }).__benchIssue.done > 0,
  );
  return page.evaluate(() => (globalThis as unknown as { __benchIssue: Timeline }).__benchIssue);
}

/** Revokes the member's live bank-use certificate so that the next run may issue again. */
async function revokeLive(page: Page, env: E2e): Promise<number> {
  const list = await page.evaluate(async () => {
    const r = await fetch("/api/certcenter/certificates", { credentials: "same-origin" });
    return ((await r.json()) as { certificates: { serial: string; purpose: string; status: string }[] })
      .certificates;
  });
  const live = list.filter((c) => c.purpose === "bank" && c.status === "valid");
  for (const c of live) {
    await revokeCertificate(env.app.ca, { serial: fromHex(c.serial), reason: "superseded", actor: "bench" });
  }
  return live.length;
}

/** WebCrypto's RSA-2048 generateKey in the page, `n` times (after one warm-up), in ms. */
async function bareGenerateKey(page: Page, n: number): Promise<number[]> {
  return page.evaluate(async (n) => {
    const params: RsaHashedKeyGenParams = {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    };
    await crypto.subtle.generateKey(params, true, ["sign", "verify"]);
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await crypto.subtle.generateKey(params, true, ["sign", "verify"]);
      times.push(performance.now() - t0);
    }
    return times;
  }, n);
}

/**
 * The key file's key derivation alone (keygen-job.ts: PBKDF2-HMAC-SHA1 at browserKeyFileIterations,
 * through WebCrypto), `n` times after one warm-up, in ms.
 */
async function barePbkdf2(page: Page, n: number): Promise<number[]> {
  return page.evaluate(
    async ({ n, iterations }) => {
      const password = await crypto.subtle.importKey(
        "raw",
        new TextEncoder().encode("Plum#tree47x"),
        "PBKDF2",
        false,
        ["deriveBits"],
      );
      const derive = () =>
        crypto.subtle.deriveBits(
          {
            name: "PBKDF2",
            hash: "SHA-1",
            salt: crypto.getRandomValues(new Uint8Array(8)),
            iterations,
          },
          password,
          128,
        );
      await derive();
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await derive();
        times.push(performance.now() - t0);
      }
      return times;
    },
    { n, iterations: browserKeyFileIterations },
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function row(label: string, xs: number[]): string {
  const f = (x: number) => Math.round(x).toLocaleString("en");
  return `| ${label} | ${f(median(xs))} | ${f(Math.min(...xs))} | ${f(Math.max(...xs))} |`;
}

export async function benchBrowserIssuance(): Promise<string[]> {
  const env = await startE2e();
  try {
    const context = await env.context("desktop");
    // tsx compiles this file keeping function names (`__name(fn, "seen")`); the functions handed to
    // page.evaluate carry those calls into the page, where the helper must exist.
    await context.addInitScript({ content: "globalThis.__name = (f) => f;" });
    const page = await context.newPage();
    await memberLogin(page, demoLogins.member.userId, demoLogins.member.password);
    const timelines: Timeline[] = [];
    for (let i = 0; i < runs; i++) {
      await revokeLive(page, env);
      await walkToStorage(page, env);
      timelines.push(await issueOnce(page));
    }
    // Every run made a certificate: the server lists them all, the last one live.
    const listed = await page.evaluate(async () => {
      const r = await fetch("/api/certcenter/certificates", { credentials: "same-origin" });
      return ((await r.json()) as { certificates: { purpose: string; status: string }[] }).certificates;
    });
    const bank = listed.filter((c) => c.purpose === "bank");
    if (bank.length !== runs || bank.filter((c) => c.status === "valid").length !== 1) {
      throw new Error(`expected ${runs} bank-use certificates, one valid: ${JSON.stringify(bank)}`);
    }
    const bare = await bareGenerateKey(page, runs);
    const pbkdf2 = await barePbkdf2(page, runs);
    await context.close();
    const total = timelines.map((t) => t.done - t.click);
    // The steps the issuance shows (a renewal also shows 발급 인가, made before the click here); each
    // lasts from becoming the current one to the next one (the last: to the done screen).
    const shown = stages.filter((s) => timelines.every((t) => t.stages[s] !== undefined));
    const first = shown[0];
    const stageRows = [
      ...(first
        ? [
            row(
              "  click → first step shown",
              timelines.map((t) => t.stages[first]! - t.click),
            ),
          ]
        : []),
      ...shown.map((s, i) => {
        const next = shown[i + 1];
        return row(
          `  ${cc.issue.progress[s]}`,
          timelines.map((t) => (next ? t.stages[next]! : t.done) - t.stages[s]!),
        );
      }),
    ];
    return [
      `${runs} issuances of a bank-use RSA-2048 certificate to this browser (IndexedDB) by the demo member, desktop Chromium ${env.browser.version()}; before each, the previous one revoked on the server. Times in the page: click on 발급 → done screen. Aim (issue 14): under 2,000 ms.`,
      "",
      "| | median ms | min ms | max ms |",
      "|---|---:|---:|---:|",
      row("발급 → stored and confirmed", total),
      ...stageRows,
      row("bare `crypto.subtle.generateKey` RSA-2048 (same page)", bare),
      row(
        `bare PBKDF2-HMAC-SHA1 \`deriveBits\`, ${browserKeyFileIterations.toLocaleString("en")} iterations (same page)`,
        pbkdf2,
      ),
    ];
  } finally {
    await env.close();
  }
}
