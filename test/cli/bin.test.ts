// bin/geumgo.js itself, as installed: tsx compiles the sources with the project's tsconfig from any
// working directory. The other CLI tests run the same sources bundled (run-cli.ts), which is quicker.
import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { npkiVectorsDir } from "../support/files.ts";
import { runCli } from "./run-cli.ts";

const run = promisify(execFile);
const installed = resolve(import.meta.dirname, "../../bin/geumgo.js");

describe("bin/geumgo.js", () => {
  it("runs from another directory, decorated ASN.1 classes and all, as the bundle does", async () => {
    const args = ["npki", "inspect", join(npkiVectorsDir, "yessign-test"), "--json"];
    const r = await run(process.execPath, [installed, ...args], {
      cwd: tmpdir(),
      env: { ...process.env, GEUMGO_LANG: "en" },
    });
    expect(JSON.parse(r.stdout).certificate).toMatchObject({ serialNumber: "459c75", keyType: "RSA-2048" });
    expect(r.stdout).toBe((await runCli(args)).stdout);
  });
});
