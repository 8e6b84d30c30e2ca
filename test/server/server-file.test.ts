import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { claimDataDir, liveOwner, serverFilePath } from "../../src/server/server-file.ts";

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(String(child.stdout));
}

describe("server.json: who has the PGlite data directory", () => {
  it("one claimant at a time; the file is private and goes when released", async () => {
    const dir = mkdtempSync(join(tmpdir(), "geumgo-claim-"));
    const server = await claimDataDir(dir, { role: "server", waitMs: 0 });
    expect(statSync(serverFilePath(dir)).mode & 0o777).toBe(0o600);
    expect(server.token.length).toBeGreaterThanOrEqual(40);
    expect(liveOwner(dir)).toMatchObject({ pid: process.pid, role: "server" });
    expect(liveOwner(dir)?.url).toBeUndefined();
    server.publish("http://127.0.0.1:1234");
    expect(liveOwner(dir)).toMatchObject({ url: "http://127.0.0.1:1234", token: server.token });
    expect(statSync(serverFilePath(dir)).mode & 0o777).toBe(0o600);
    await expect(claimDataDir(dir, { role: "command", waitMs: 0 })).rejects.toMatchObject({
      code: "data_dir_busy",
    });
    server.release();
    expect(existsSync(serverFilePath(dir))).toBe(false);
    const command = await claimDataDir(dir, { role: "command", waitMs: 0 });
    expect(liveOwner(dir)).toMatchObject({ role: "command" });
    command.release();
  });

  it("a command waits for another command to finish", async () => {
    const dir = mkdtempSync(join(tmpdir(), "geumgo-claim-"));
    const first = await claimDataDir(dir, { role: "command", waitMs: 0 });
    setTimeout(() => first.release(), 300);
    const second = await claimDataDir(dir, { role: "command", waitMs: 10_000 });
    expect(liveOwner(dir)).toMatchObject({ role: "command", pid: process.pid });
    second.release();
  });

  it("takes over a file whose process is gone, and ignores one it cannot read", async () => {
    const dir = mkdtempSync(join(tmpdir(), "geumgo-claim-"));
    const pid = deadPid();
    writeFileSync(
      serverFilePath(dir),
      JSON.stringify({ pid, role: "server", url: "http://127.0.0.1:1", token: "t" }),
    );
    expect(liveOwner(dir)).toBeUndefined();
    const claim = await claimDataDir(dir, { role: "server", waitMs: 0 });
    expect(JSON.parse(readFileSync(serverFilePath(dir), "utf8")).pid).toBe(process.pid);
    claim.release();
    writeFileSync(serverFilePath(dir), "{half");
    const again = await claimDataDir(dir, { role: "command", waitMs: 0 });
    expect(liveOwner(dir)?.pid).toBe(process.pid);
    again.release();
  });
});
