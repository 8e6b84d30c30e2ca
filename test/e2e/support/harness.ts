// The end-to-end harness: the real server in this process on a fresh PGlite data directory (the
// demo federation seeded, a clock the test moves), the built web app, and Debian's Chromium driven
// by playwright-core at a desktop and a phone width. Every step's screenshot is kept under
// test-results/e2e/, and axe-core checks each page for serious or critical violations.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, inject } from "vitest";
import { loadConfig } from "../../../src/config.ts";
import { buildServer } from "../../../src/server/app.ts";
import { type App, openApp, publicOrigin } from "../../../src/server/context.ts";
import { TestClock } from "../../support/bank.ts";
import { contentKey, migratedPgliteDir, template } from "../../support/pglite-template.ts";

export const viewports = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 360, height: 740 },
} as const;
export type Viewport = keyof typeof viewports;
export const viewportNames = Object.keys(viewports) as Viewport[];

const root = resolve(import.meta.dirname, "../../..");
const artefacts = join(root, "test-results/e2e");
const axeSource = readFileSync(join(root, "node_modules/axe-core/axe.min.js"), "utf8");
// The machines that run this have no Korean system font; Pretendard (a dependency, for the PDF
// statements) is handed to Chromium through fontconfig so the screenshots show Hangul, not boxes.
const koreanFonts = join(root, "node_modules/pretendard/dist/public/static");

export interface E2e {
  app: App;
  url: string;
  /** The server's clock: frozen unless the test moves it (`at = …`, `advance(ms)`). */
  clock: TestClock;
  browser: Browser;
  /**
   * A fresh browser profile at this viewport (its own cookies), Korean by default. Every page it
   * opens is watched for CSP violations: `steps` fails on one, and so does `close`.
   */
  context(viewport: Viewport): Promise<BrowserContext>;
  /** Every CSP violation any page reported so far ("<page URL>: <Chromium's words>"). */
  cspViolations: string[];
  close(): Promise<void>;
}

function fontConfig(dir: string): string {
  const file = join(dir, "fonts.conf");
  writeFileSync(
    file,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  ${existsSync("/etc/fonts/fonts.conf") ? "<include>/etc/fonts/fonts.conf</include>" : ""}
  <dir>${koreanFonts}</dir>
  <cachedir>${join(dir, "fontcache")}</cachedir>
</fontconfig>
`,
  );
  return file;
}

/**
 * 10:00 in Seoul on the browser's today. The pages pick dates (the history's last month) by the
 * browser's own clock and the server stamps by its test clock: on the same Seoul day, and far
 * from midnight, they agree whenever the suite runs. Never in the machine's future, though: OpenSSL
 * and our CLI check the certificates the server signs at the real time, and one dated after it is
 * "not yet valid". Before 10:00 in Seoul it is ten minutes ago instead (not before midnight).
 * Reckoned from when the run began, so that its flows share one start (and one set-up data dir),
 * unless the run has since passed midnight in Seoul.
 */
export function thisMorningInSeoul(): Date {
  const seoulDay = (t: number) => new Date(t + 9 * 3_600_000).toISOString().slice(0, 10);
  const began = inject("runStartedAt") ?? Date.now();
  const now = seoulDay(began) === seoulDay(Date.now()) ? began : Date.now();
  const seoulToday = seoulDay(now);
  const morning = new Date(`${seoulToday}T10:00:00+09:00`);
  if (morning.getTime() <= now) return morning;
  const midnight = new Date(`${seoulToday}T00:00:00+09:00`).getTime();
  return new Date(Math.max(midnight, now - 10 * 60_000));
}

const passphrase = "e2e passphrase, long enough";

/**
 * A data directory after the server's first start with the clock at `at`: its keys, the CA (RSA
 * keys, seconds to make) and the demo with its months of history. Every flow starts from a copy;
 * it is made again whenever the sources or `at` differ.
 */
function setUpDataDir(at: Date): Promise<string> {
  const key = contentKey(["src", "node_modules/@electric-sql/pglite/package.json"], [at.toISOString()]);
  return template("e2e-data", key, async (dir) => {
    await migratedPgliteDir(join(dir, "pglite"));
    const config = {
      ...loadConfig({ GEUMGO_DATA: dir, GEUMGO_CA_PASSPHRASE: passphrase, PORT: "0" }),
      clock: new TestClock(at),
    };
    const app = await openApp(config, { setUp: true });
    await app.close();
  });
}

/**
 * The server and a browser; `at` starts the server's clock (default: this morning in Seoul).
 * `log` receives the server's log lines at `logLevel` (default: warn, to the console).
 */
export interface StartOptions {
  at?: Date;
  logLevel?: string;
  log?: { write(line: string): void };
}

export async function startE2e(options: StartOptions = {}): Promise<E2e> {
  const dir = mkdtempSync(join(tmpdir(), "geumgo-e2e-"));
  const at = options.at ?? thisMorningInSeoul();
  const clock = new TestClock(at);
  // The data dir as the server's first start at `at` leaves it (keys, CA, demo), made once a run.
  cpSync(await setUpDataDir(at), dir, { recursive: true });
  const config = {
    ...loadConfig({ GEUMGO_DATA: dir, GEUMGO_CA_PASSPHRASE: passphrase, PORT: "0" }),
    clock,
  };
  const app = await openApp(config, { setUp: true });
  const fastify: FastifyInstance = await buildServer(app, {
    logLevel: options.logLevel ?? "warn",
    ...(options.log ? { logStream: options.log } : {}),
  });
  await fastify.listen({ host: "127.0.0.1", port: 0 });
  // The browser goes where the server says it is reached: the local address on the port it got,
  // which the server filled in as it began listening (the certificate login's form is rebuilt over
  // this origin, and certificates name their CRL and OCSP under it).
  const url = publicOrigin(app);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    env: { ...process.env, FONTCONFIG_FILE: fontConfig(dir) },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const cspViolations: string[] = [];
  return {
    app,
    url,
    clock,
    browser,
    cspViolations,
    async context(viewport) {
      const context = await browser.newContext({
        viewport: viewports[viewport],
        locale: "ko-KR",
        baseURL: url,
        timezoneId: "Asia/Seoul",
        reducedMotion: "reduce",
      });
      context.on("page", (page) => watchCsp(page, cspViolations));
      return context;
    },
    async close() {
      await browser.close();
      await fastify.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
      expect(cspViolations, "CSP violations in the pages").toEqual([]);
    },
  };
}

/**
 * One server and browser for the whole file: started before its first test and closed (the CSP
 * check with it) after its last. The handle may be kept at the top of the file; it reaches the
 * started server once the file's tests run.
 */
export function e2eForFile(options: StartOptions = {}): E2e {
  let started: E2e | undefined;
  beforeAll(async () => {
    started = await startE2e(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  const now = (): E2e => {
    if (!started)
      throw new Error("the e2e server starts before the file's first test: reach it from a test or hook");
    return started;
  };
  return {
    get app() {
      return now().app;
    },
    get url() {
      return now().url;
    },
    get clock() {
      return now().clock;
    },
    get browser() {
      return now().browser;
    },
    get cspViolations() {
      return now().cspViolations;
    },
    context: (viewport) => now().context(viewport),
    close: () => now().close(),
  };
}

/**
 * For files whose tests each start a server of their own (each from nothing, or with its own log):
 * the function returned starts one as `startE2e` does, and closes it after the test that started it.
 */
export function e2ePerTest(): (options?: StartOptions) => Promise<E2e> {
  let started: E2e | undefined;
  afterEach(async () => {
    await started?.close();
    started = undefined;
  });
  return async (options = {}) => {
    started = await startE2e(options);
    return started;
  };
}

const pageCspViolations = new WeakMap<Page, string[]>();

/**
 * Chromium reports each refusal of the page's CSP on the console ("Refused to … because it
 * violates the following Content Security Policy directive"); a strict CSP that the app trips is a
 * feature broken for members, so every one is kept for the test to fail on.
 */
function watchCsp(page: Page, all: string[]): void {
  const mine: string[] = [];
  pageCspViolations.set(page, mine);
  page.on("console", (message) => {
    const text = message.text();
    if (!/Content Security Policy/i.test(text)) return;
    const entry = `${page.url()}: ${text}`;
    mine.push(entry);
    all.push(entry);
  });
}

/** The CSP violations this page has reported so far (empty for a page not opened by `context`). */
export function cspViolationsOf(page: Page): readonly string[] {
  return pageCspViolations.get(page) ?? [];
}

/** The uncaught errors in the page's scripts from now on ("pageerror: <message>"), filled as they come. */
export function pageErrors(page: Page): string[] {
  const found: string[] = [];
  page.on("pageerror", (e) => found.push(`pageerror: ${e.message}`));
  return found;
}

/** Screenshot of the page as it is now: test-results/e2e/<flow>/<step>-<viewport>.png. */
export async function snap(page: Page, flow: string, step: string, viewport: Viewport): Promise<string> {
  const folder = join(artefacts, flow);
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${step}-${viewport}.png`);
  // Scrolled to the end first: a full-page shot draws fixed bars (the phone's tab bar) where the
  // screen shows them now, and at the end of the page is where a member would see them.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.screenshot({ path, fullPage: true, animations: "disabled" });
  await page.evaluate(() => window.scrollTo(0, 0));
  return path;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core's serious and critical violations on the page. The script goes in through the
 * DevTools protocol (page.evaluate), which the page's CSP does not govern, so the CSP stays on.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
}

/**
 * The steps of one flow at one viewport: each `step(page, "member-created")` waits for the page to
 * settle, asserts axe finds nothing serious or critical, and keeps the screenshot as
 * test-results/e2e/<flow>/<nn>-member-created-<viewport>.png.
 */
export function steps(flow: string, viewport: Viewport) {
  // A run's pictures only: an earlier run with other steps would leave its numbers in between.
  const folder = join(artefacts, flow);
  if (existsSync(folder)) {
    for (const file of readdirSync(folder)) if (file.endsWith(`-${viewport}.png`)) rmSync(join(folder, file));
  }
  let n = 0;
  return async function step(page: Page, name: string): Promise<void> {
    await settled(page);
    expect(await axeViolations(page), `axe on ${flow} ${name} (${viewport})`).toEqual([]);
    expect(cspViolationsOf(page), `CSP violations on ${flow} ${name} (${viewport})`).toEqual([]);
    n++;
    await snap(page, flow, `${String(n).padStart(2, "0")}-${name}`, viewport);
  };
}

/** Loading placeholders gone, fonts in: what a member would now see. */
export async function settled(page: Page): Promise<void> {
  await page
    .locator('[aria-busy="true"], .skeleton, .page-skeleton, .list-skeleton, .facts-skeleton')
    .first()
    .waitFor({ state: "detached" });
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
}
