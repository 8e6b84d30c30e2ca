import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, offsetClock } from "../src/config.ts";

describe("configuration", () => {
  it("generates demo keys once in the data directory, readable only by the owner", () => {
    const dir = mkdtempSync(join(tmpdir(), "geumgo-cfg-"));
    const a = loadConfig({ GEUMGO_DATA: dir });
    expect(a.warnings.join()).toContain("secrets.json");
    expect(a.warnings.join()).toContain("ca-passphrase");
    expect(statSync(join(dir, "secrets.json")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "ca-passphrase")).mode & 0o777).toBe(0o600);
    const b = loadConfig({ GEUMGO_DATA: dir });
    expect(b.rrnKeys).toEqual(a.rrnKeys);
    expect(a.pinKey).toHaveLength(32);
    expect(b.pinKey).toEqual(a.pinKey);
    expect(b.caPassphrase).toBe(a.caPassphrase);
    expect(b.warnings).toEqual([]);
  });

  it("reads the trusted reverse proxies, and refuses anything but addresses", () => {
    const dir = mkdtempSync(join(tmpdir(), "geumgo-cfg-"));
    expect(loadConfig({ GEUMGO_DATA: dir }).trustProxy).toEqual([]);
    expect(
      loadConfig({ GEUMGO_DATA: dir, GEUMGO_TRUST_PROXY: " 127.0.0.1, 10.0.0.0/8,::1 " }).trustProxy,
    ).toEqual(["127.0.0.1", "10.0.0.0/8", "::1"]);
    for (const bad of ["true", "1", "*", "proxy.example.kr", "127.0.0.1,", "10.0.0.0/8 x"]) {
      expect(() => loadConfig({ GEUMGO_DATA: dir, GEUMGO_TRUST_PROXY: bad }), bad).toThrow(
        /GEUMGO_TRUST_PROXY/,
      );
    }
  });

  it("adds a PIN key to a data directory's secrets.json from before it, keeping the other keys", () => {
    const dir = mkdtempSync(join(tmpdir(), "geumgo-cfg-"));
    const path = join(dir, "secrets.json");
    const old = { rrnEncryptionKey: "a".repeat(64), rrnIndexKey: "b".repeat(64) };
    writeFileSync(path, JSON.stringify(old), { mode: 0o600 });
    const a = loadConfig({ GEUMGO_DATA: dir });
    expect(a.warnings.join()).toContain(`added pinKey to ${path}`);
    expect(Buffer.from(a.rrnKeys.encryption).toString("hex")).toBe(old.rrnEncryptionKey);
    const stored = JSON.parse(readFileSync(path, "utf8")) as Record<string, string>;
    expect(stored).toMatchObject(old);
    expect(Buffer.from(a.pinKey).toString("hex")).toBe(stored.pinKey);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const b = loadConfig({ GEUMGO_DATA: dir });
    expect(b.pinKey).toEqual(a.pinKey);
    expect(b.warnings).toEqual([]);
    // Given in the environment, it is taken from there and the file is left alone.
    const given = loadConfig({ GEUMGO_DATA: dir, GEUMGO_PIN_KEY: "c".repeat(64) });
    expect(Buffer.from(given.pinKey).toString("hex")).toBe("c".repeat(64));
    expect(() => loadConfig({ GEUMGO_DATA: dir, GEUMGO_PIN_KEY: "c".repeat(63) })).toThrow(
      "GEUMGO_PIN_KEY must be 64 hex",
    );
  });

  it("production needs its keys from the environment and refuses a fake clock", () => {
    const dir = mkdtempSync(join(tmpdir(), "geumgo-cfg-"));
    expect(() => loadConfig({ GEUMGO_DATA: dir, NODE_ENV: "production" })).toThrow("GEUMGO_RRN_KEY");
    const rrn = { GEUMGO_RRN_KEY: "a".repeat(64), GEUMGO_RRN_INDEX_KEY: "b".repeat(64) };
    expect(() => loadConfig({ GEUMGO_DATA: dir, NODE_ENV: "production", ...rrn })).toThrow("GEUMGO_PIN_KEY");
    const pin = { ...rrn, GEUMGO_PIN_KEY: "c".repeat(64) };
    expect(() => loadConfig({ GEUMGO_DATA: dir, NODE_ENV: "production", ...pin })).toThrow(
      "GEUMGO_CA_PASSPHRASE",
    );
    const keys = { ...pin, GEUMGO_CA_PASSPHRASE: "a long ca passphrase" };
    const config = loadConfig({ GEUMGO_DATA: dir, NODE_ENV: "production", ...keys });
    expect(config.production).toBe(true);
    expect(config.caPassphrase).toBe("a long ca passphrase");
    expect(config.warnings).toEqual([]);
    expect(existsSync(join(dir, "secrets.json"))).toBe(false);
    expect(() => loadConfig({ GEUMGO_DATA: dir, ...rrn, GEUMGO_CA_PASSPHRASE: "short" })).toThrow(
      "16 characters",
    );
    expect(() =>
      loadConfig({
        GEUMGO_DATA: dir,
        NODE_ENV: "production",
        ...keys,
        GEUMGO_FAKE_NOW: "2027-01-01T00:00:00Z",
      }),
    ).toThrow("GEUMGO_FAKE_NOW");
    expect(() =>
      loadConfig({ GEUMGO_DATA: dir, GEUMGO_RRN_KEY: "short", GEUMGO_RRN_INDEX_KEY: "b".repeat(64) }),
    ).toThrow("64 hex");
  });

  it("reads the server's port, address and public URL, and says what is wrong with them", () => {
    const dir = mkdtempSync(join(tmpdir(), "geumgo-cfg-"));
    const defaults = loadConfig({ GEUMGO_DATA: dir });
    expect(defaults).toMatchObject({
      port: 8080,
      host: "127.0.0.1",
      publicUrl: undefined,
      requireVidRandom: false,
    });
    const set = loadConfig({
      GEUMGO_DATA: dir,
      PORT: "0",
      HOST: "::",
      GEUMGO_PUBLIC_URL: "https://ca.example.kr/geumgo/",
      GEUMGO_CA_REQUIRE_VID: "1",
    });
    expect(set).toMatchObject({
      port: 0,
      host: "::",
      publicUrl: "https://ca.example.kr/geumgo",
      requireVidRandom: true,
    });
    expect(() => loadConfig({ GEUMGO_DATA: dir, PORT: "80a" })).toThrow("PORT must be a port number");
    expect(() => loadConfig({ GEUMGO_DATA: dir, PORT: "65536" })).toThrow("PORT must be a port number");
    expect(() => loadConfig({ GEUMGO_DATA: dir, HOST: "http://x" })).toThrow("HOST must be");
    expect(() => loadConfig({ GEUMGO_DATA: dir, GEUMGO_PUBLIC_URL: "ca.example.kr" })).toThrow(
      "absolute URL",
    );
    expect(() => loadConfig({ GEUMGO_DATA: dir, GEUMGO_PUBLIC_URL: "ftp://ca.example.kr" })).toThrow(
      "http://",
    );
    expect(() => loadConfig({ GEUMGO_DATA: dir, GEUMGO_PUBLIC_URL: "https://ca.example.kr/?a=1" })).toThrow(
      "query",
    );
    expect(() => loadConfig({ GEUMGO_DATA: dir, GEUMGO_CA_REQUIRE_VID: "yes" })).toThrow("1 or 0");
  });

  it("a fake clock starts where it is told and runs on", () => {
    let real = 1_000_000;
    const clock = offsetClock(new Date("2027-01-01T00:00:00Z"), () => real);
    expect(clock.now().toISOString()).toBe("2027-01-01T00:00:00.000Z");
    real += 5_000;
    expect(clock.now().toISOString()).toBe("2027-01-01T00:00:05.000Z");
    const dir = mkdtempSync(join(tmpdir(), "geumgo-cfg-"));
    expect(() => loadConfig({ GEUMGO_DATA: dir, GEUMGO_FAKE_NOW: "not a date" })).toThrow("ISO");
  });
});
