// `npm run bench`: every speed figure of the project, each next to its baseline measured in the same
// run. Prints Markdown; docs/benchmarks.md keeps a copy of the figures with the machine.
import { benchBrowserIssuance } from "./browser-issuance.ts";
import { benchCertificateLogin } from "./certificate-login.ts";
import { benchCrl } from "./crl.ts";
import { benchHttpApi } from "./http-api.ts";
import { benchIssuance } from "./issuance.ts";
import { benchKeyFiles } from "./key-file.ts";
import { machine } from "./measure.ts";
import { benchOcsp } from "./ocsp.ts";
import { benchOcspFlood } from "./ocsp-flood.ts";
import { benchSeed } from "./seed.ts";
import { benchTransferSignatures } from "./transfer-signatures.ts";
import { benchTransfers } from "./transfers.ts";

const sections: [string, () => Promise<string[]>][] = [
  ["SEED-CBC throughput", benchSeed],
  ["Opening a key file", benchKeyFiles],
  ["Transfers", benchTransfers],
  ["CRL of 100,000 entries", benchCrl],
  ["Certificate issuance through CMP", benchIssuance],
  ["OCSP answers", benchOcsp],
  ["OCSP under a CMP flood", benchOcspFlood],
  ["Login and transfers through the HTTP API", benchHttpApi],
  ["Certificate login through the HTTP API", benchCertificateLogin],
  ["Transfer signatures through the HTTP API", benchTransferSignatures],
  ["Certificate issuance in Chromium", benchBrowserIssuance],
];

console.log(`# Geumgo benchmarks\n\nMachine: ${machine()}\n`);
// `npm run bench -- transfers` runs the sections whose title contains the word.
const only = process.argv[2]?.toLowerCase();
for (const [title, run] of sections.filter(([t]) => !only || t.toLowerCase().includes(only))) {
  console.log(`## ${title}\n\n${(await run()).join("\n")}\n`);
}
