// Child process of the OCSP bench: a small HTTP load generator, the same for every server. N loops
// POST pre-built DER requests in turn (with or without keep-alive), a warm-up second first, and
// count the answers that are HTTP 200 carrying a successful OCSPResponse, and their latencies.
// Reads its settings as JSON on stdin and prints the result as JSON.
import { Agent, request } from "node:http";

interface Input {
  url: string;
  contentType: string;
  /** The request bodies, base64. */
  bodies: string[];
  concurrency: number;
  seconds: number;
  keepAlive: boolean;
}

export interface LoadResult {
  /** Successful answers while the clock ran. */
  answers: number;
  seconds: number;
  /** Answers that were not HTTP 200 with a successful OCSPResponse, and transport errors. */
  failures: number;
  /** TCP connections opened while the clock ran. */
  connections: number;
  /** Time from sending a request to its whole answer, over every request while the clock ran. */
  latencyMsP50: number;
  latencyMsP99: number;
  latencyMsMax: number;
  firstFailure?: string;
}

const input = JSON.parse(await new Response(process.stdin as unknown as ReadableStream).text()) as Input;
const bodies = input.bodies.map((b) => Buffer.from(b, "base64"));
const target = new URL(input.url);
const agent = new Agent({ keepAlive: input.keepAlive, maxSockets: input.concurrency });

/** OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, ... }: successful is 0. */
function successful(der: Buffer): boolean {
  if (der[0] !== 0x30 || der.length < 5) return false;
  const len = der[1]!;
  const at = len < 0x80 ? 2 : 2 + (len & 0x7f);
  return der[at] === 0x0a && der[at + 1] === 0x01 && der[at + 2] === 0x00;
}

function post(body: Buffer): Promise<{ ok: boolean; fresh: boolean; why?: string }> {
  return new Promise((resolve) => {
    const req = request(
      target,
      {
        method: "POST",
        agent,
        headers: { "content-type": input.contentType, "content-length": body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const ok = res.statusCode === 200 && successful(Buffer.concat(chunks));
          resolve({ ok, fresh: !req.reusedSocket, ...(ok ? {} : { why: `HTTP ${res.statusCode}` }) });
        });
        res.on("error", (e) => resolve({ ok: false, fresh: !req.reusedSocket, why: String(e) }));
      },
    );
    req.on("error", (e) => resolve({ ok: false, fresh: !req.reusedSocket, why: String(e) }));
    // A server that stops answering fails the run rather than hanging it.
    req.setTimeout(10_000, () => req.destroy(new Error("no answer in 10 s")));
    req.end(body);
  });
}

async function drive(seconds: number): Promise<LoadResult> {
  let next = 0;
  let answers = 0;
  let failures = 0;
  let connections = 0;
  let firstFailure: string | undefined;
  const latencies: number[] = [];
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: input.concurrency }, async () => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        const r = await post(bodies[next++ % bodies.length]!);
        latencies.push(performance.now() - sent);
        if (r.fresh) connections++;
        if (r.ok) answers++;
        else {
          failures++;
          firstFailure ??= r.why;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    answers,
    seconds: (performance.now() - t0) / 1000,
    failures,
    connections,
    latencyMsP50: at(0.5),
    latencyMsP99: at(0.99),
    latencyMsMax: latencies.at(-1) ?? 0,
    ...(firstFailure ? { firstFailure } : {}),
  };
}

await drive(1);
const result = await drive(input.seconds);
agent.destroy();
process.stdout.write(JSON.stringify(result));
