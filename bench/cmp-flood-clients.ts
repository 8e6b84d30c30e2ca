// Child process of the OCSP-under-attack bench: N loops POST invalid CMP requests to /pki/cmp as
// fast as they are answered, in turn from a list made by the parent (malformed PKIMessages and irs
// under real reference numbers with a wrong MAC), for a set time. Counts the answers by HTTP status.
// Reads {url, bodies (base64), concurrency, seconds} on stdin, prints the result as JSON.
import { Agent, request } from "node:http";

interface Input {
  url: string;
  bodies: string[];
  concurrency: number;
  seconds: number;
}

export interface CmpFloodResult {
  sent: number;
  seconds: number;
  /** Answers by HTTP status ("error" for a transport error). */
  byStatus: Record<string, number>;
}

const input = JSON.parse(await new Response(process.stdin as unknown as ReadableStream).text()) as Input;
const bodies = input.bodies.map((b) => Buffer.from(b, "base64"));
const agent = new Agent({ keepAlive: true, maxSockets: input.concurrency });
const target = new URL("/pki/cmp", input.url);

function post(body: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const req = request(
      target,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/pkixcmp", "content-length": body.length },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(String(res.statusCode)));
        res.on("error", () => resolve("error"));
      },
    );
    req.on("error", () => resolve("error"));
    req.setTimeout(30_000, () => req.destroy(new Error("no answer in 30 s")));
    req.end(body);
  });
}

let next = 0;
let sent = 0;
const byStatus: Record<string, number> = {};
const t0 = performance.now();
const deadline = t0 + input.seconds * 1000;
await Promise.all(
  Array.from({ length: input.concurrency }, async () => {
    while (performance.now() < deadline) {
      const status = await post(bodies[next++ % bodies.length]!);
      sent++;
      byStatus[status] = (byStatus[status] ?? 0) + 1;
    }
  }),
);
agent.destroy();
const result: CmpFloodResult = { sent, seconds: (performance.now() - t0) / 1000, byStatus };
process.stdout.write(JSON.stringify(result));
