// SEED-CBC throughput, ours (pure TypeScript) against OpenSSL's C seed-cbc, measured side by side.
import { execFileSync } from "node:child_process";
import { seedCbcDecrypt, seedCbcEncrypt } from "../src/pki/seed.ts";
import { bestMs } from "./measure.ts";

function opensslSeedMBps(): number {
  const out = execFileSync(
    "openssl",
    [
      "speed",
      "-evp",
      "seed-cbc",
      "-provider",
      "legacy",
      "-provider",
      "default",
      "-seconds",
      "3",
      "-bytes",
      "16384",
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  );
  const m = out.match(/SEED-CBC\s+([\d.]+)k/i);
  if (!m) throw new Error(`cannot read openssl speed output:\n${out}`);
  return Number(m[1]) / 1000;
}

export async function benchSeed(): Promise<string[]> {
  const bytes = 16 * 2 ** 20;
  const key = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(16));
  const data = new Uint8Array(bytes).fill(0x5a);
  let ct: Uint8Array = new Uint8Array(0);
  const encMs = await bestMs(5, () => {
    ct = seedCbcEncrypt(key, iv, data);
  });
  const decMs = await bestMs(5, () => seedCbcDecrypt(key, iv, ct));
  const ours = bytes / 1e6 / (encMs / 1000);
  const oursDec = bytes / 1e6 / (decMs / 1000);
  const openssl = opensslSeedMBps();
  return [
    "| SEED-CBC | ours (TypeScript) | OpenSSL (C) | ours / OpenSSL |",
    "|---|---|---|---|",
    `| encrypt, 16 MiB | ${ours.toFixed(1)} MB/s | ${openssl.toFixed(1)} MB/s | ${(ours / openssl).toFixed(2)} |`,
    `| decrypt, 16 MiB | ${oursDec.toFixed(1)} MB/s | ${openssl.toFixed(1)} MB/s (encrypt) | ${(oursDec / openssl).toFixed(2)} |`,
  ];
}
