import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const script = resolve(import.meta.dirname, "check-tools.mjs");
// A PATH that holds node and nothing else, as on a fresh machine.
const bare = mkdtempSync(join(tmpdir(), "geumgo-tools-"));
symlinkSync(process.execPath, join(bare, "node"));
afterAll(() => rmSync(bare, { recursive: true, force: true }));

function precheck(env: NodeJS.ProcessEnv, args: string[] = []) {
  const run = spawnSync(process.execPath, [script, ...args], { env, encoding: "utf8" });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const lacking = { PATH: bare, CHROMIUM_PATH: join(bare, "chromium") };

describe("npm test's tool precheck", () => {
  it("stops with one line naming the missing programs and the command that installs them", () => {
    const run = precheck(lacking);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(`chromium at ${join(bare, "chromium")}, openssl, zbarimg, pdftotext`);
    expect(run.stderr).toContain("script.");
    expect(run.stderr).toContain(
      "sudo apt-get install chromium openssl zbar-tools poppler-utils bsdutils (or set CHROMIUM_PATH",
    );
  });

  it("prints just the missing Debian packages for .ci/run", () => {
    const run = precheck(lacking, ["--missing-packages"]);
    expect(run.status).toBe(0);
    expect(run.stdout.trimEnd().split("\n")).toEqual([
      "chromium",
      "openssl",
      "zbar-tools",
      "poppler-utils",
      "bsdutils",
    ]);
  });

  it("names only what is missing, and looks for Chromium where CHROMIUM_PATH says", () => {
    const run = precheck({ ...process.env, CHROMIUM_PATH: join(bare, "chromium") });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /lacks: chromium at \S+\. Install them with: sudo apt-get install chromium \(/,
    );
    // Any executable stands in for Chromium: the precheck only asks that it be there.
    expect(precheck({ ...process.env, CHROMIUM_PATH: join(bare, "node") }).status).toBe(0);
  });

  it("passes silently on this machine", () => {
    const run = precheck(process.env);
    expect(run).toEqual({ status: 0, stdout: "", stderr: "" });
  });
});
