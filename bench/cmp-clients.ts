// Child process of the issuance bench: N concurrent members enrolling through our own CMP client
// (ir/ip + certConf/pkiConf, MAC-protected, VID random sealed in regInfo), each under its own
// authorisation, against the server in the parent. Key pairs are made before the clock starts.
// Reads {url, auths, concurrency, seconds, iterations} on stdin, prints the result as JSON.
import { Agent, request } from "node:http";
import { enrol } from "../src/pki/cmp-client.ts";

interface Input {
  url: string;
  auths: { referenceNumber: string; authorizationCode: string }[];
  concurrency: number;
  seconds: number;
  iterations: number;
}

export interface CmpClientsResult {
  issued: number;
  seconds: number;
  /** Whether the authorisations ran out before the time did. */
  exhausted: boolean;
  errors: string[];
  /** This process's CPU time while the clock ran. */
  cpuMs: number;
}

const input = JSON.parse(await new Response(process.stdin as unknown as ReadableStream).text()) as Input;
const agent = new Agent({ keepAlive: true, maxSockets: input.concurrency });
const target = new URL("/pki/cmp", input.url);

function send(der: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/pkixcmp", "content-length": der.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          res.statusCode === 200
            ? resolve(new Uint8Array(Buffer.concat(chunks)))
            : reject(new Error(`HTTP ${res.statusCode}`)),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(der);
  });
}

// What the members' browsers would have made long before: their key pairs and VID randoms.
const keys = await Promise.all(
  input.auths.map(
    () =>
      crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
        "sign",
        "verify",
      ]) as Promise<CryptoKeyPair>,
  ),
);

let next = 0;
const errors: string[] = [];

async function one(): Promise<boolean> {
  const i = next++;
  const auth = input.auths[i];
  if (!auth) return false;
  try {
    await enrol({
      send,
      referenceNumber: auth.referenceNumber,
      authorizationCode: auth.authorizationCode,
      keys: keys[i]!,
      vidRandom: crypto.getRandomValues(new Uint8Array(20)),
      iterations: input.iterations,
    });
  } catch (e) {
    failed++;
    if (errors.length < 5) errors.push(String(e));
  }
  return true;
}

let failed = 0;
let issuedCount = 0;
let exhausted = false;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const deadline = t0 + input.seconds * 1000;
await Promise.all(
  Array.from({ length: input.concurrency }, async () => {
    while (performance.now() < deadline) {
      if (!(await one())) {
        exhausted = true;
        return;
      }
      issuedCount++;
    }
  }),
);
const elapsed = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
agent.destroy();
const result: CmpClientsResult = {
  issued: issuedCount - failed,
  seconds: elapsed,
  exhausted,
  errors,
  cpuMs: (cpu.user + cpu.system) / 1000,
};
process.stdout.write(JSON.stringify(result));
