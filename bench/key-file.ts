// The time to open (decrypt) an NPKI key file, per scheme: what a member waits for after typing
// the certificate password.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { decryptKeyFile, encryptKeyFile, parseKeyFile } from "../src/pki/key-file.ts";
import { describePbeScheme } from "../src/pki/pbe.ts";
import { bestMs } from "./measure.ts";

const vectors = resolve(import.meta.dirname, "../../shared/vectors/npki");
const password = "Vector!2026kr";

export async function benchKeyFiles(): Promise<string[]> {
  const files: [string, Uint8Array, string][] = [
    [
      "yessign-test/signPri.key",
      new Uint8Array(readFileSync(`${vectors}/yessign-test/signPri.key`)),
      "WTuA8Ev0lWXVFSiI!",
    ],
    ...["indep-seedcbc-old", "indep-pbes2", "indep-pbes2-aes"].map(
      (d) =>
        [`${d}/signPri.key`, new Uint8Array(readFileSync(`${vectors}/${d}/signPri.key`)), password] as [
          string,
          Uint8Array,
          string,
        ],
    ),
  ];
  const plain = (await decryptKeyFile(files[2]![1], password)).pkcs8;
  files.push(["written by us (default)", await encryptKeyFile(plain, password), password]);
  const rows = ["| key file | scheme | open (best of 5) |", "|---|---|---|"];
  for (const [name, file, pw] of files) {
    const ms = await bestMs(5, () => decryptKeyFile(file, pw));
    rows.push(`| ${name} | ${describePbeScheme(parseKeyFile(file).scheme)} | ${ms.toFixed(1)} ms |`);
  }
  return rows;
}
