// SEED-CBC against OpenSSL's seed-cbc on random keys, IVs and plaintexts. Node only: it runs the openssl
// command. OpenSSL 3 keeps SEED in its legacy provider; without it this file fails rather than skips,
// because CI has it and a silent skip would leave SEED unchecked.
import { execFileSync } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { toHex } from "../../src/pki/bytes.ts";
import { seedCbcDecrypt, seedCbcEncrypt } from "../../src/pki/seed.ts";

const providers = ["-provider", "legacy", "-provider", "default"];

function opensslSeedCbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const out = execFileSync(
    "openssl",
    ["enc", "-seed-cbc", "-K", toHex(key), "-iv", toHex(iv), ...providers],
    {
      input: plaintext,
      maxBuffer: 1 << 20,
    },
  );
  return new Uint8Array(out);
}

describe("SEED-CBC against OpenSSL", () => {
  it("has an openssl with SEED-CBC in its legacy provider", () => {
    const list = execFileSync("openssl", ["list", "-cipher-algorithms", ...providers], { encoding: "utf8" });
    expect(list.toUpperCase()).toContain("SEED-CBC");
  });

  it("agrees with openssl enc -seed-cbc on 50 random inputs of 0 to 2000 bytes", () => {
    for (let i = 0; i < 50; i++) {
      const key = new Uint8Array(randomBytes(16));
      const iv = new Uint8Array(randomBytes(16));
      const plaintext = new Uint8Array(randomBytes(randomInt(0, 2001)));
      const expected = opensslSeedCbcEncrypt(key, iv, plaintext);
      const context = `key ${toHex(key)} iv ${toHex(iv)} length ${plaintext.length}`;
      expect(toHex(seedCbcEncrypt(key, iv, plaintext)), context).toBe(toHex(expected));
      expect(toHex(seedCbcDecrypt(key, iv, expected)), context).toBe(toHex(plaintext));
    }
  });
});
