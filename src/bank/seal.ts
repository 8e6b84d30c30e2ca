// Sealing personal data and secrets at rest: AES-256-GCM under the configured key, with a label
// bound in as associated data, so a ciphertext sealed as one thing (a resident registration
// number) cannot be passed off as another (an OTP secret).
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** First byte of every sealed value, so a later key or algorithm can be told apart. */
const formatVersion = 1;

function aad(label: string): Buffer {
  return Buffer.concat([Uint8Array.of(formatVersion), Buffer.from(label, "utf8")]);
}

export function seal(key: Uint8Array, label: string, plaintext: Uint8Array): Uint8Array {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(aad(label));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(Buffer.concat([Uint8Array.of(formatVersion), iv, body, cipher.getAuthTag()]));
}

export function unseal(key: Uint8Array, label: string, sealed: Uint8Array): Uint8Array {
  if (sealed[0] !== formatVersion || sealed.length < 1 + 12 + 16) throw new Error("unknown sealed format");
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(1, 13));
  decipher.setAAD(aad(label));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return new Uint8Array(
    Buffer.concat([decipher.update(sealed.subarray(13, sealed.length - 16)), decipher.final()]),
  );
}
