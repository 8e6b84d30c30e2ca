// Child process of the certificate login bench: N loops over keep-alive connections, each login as
// the browser makes it: POST /api/auth/certificate/challenge, the login form signed with the
// member's key (src/pki/login-form.ts, CMS as the Signer makes it), POST /api/auth/certificate/login;
// or, for the comparison in the same run, POST /api/auth/login with user ID and password. An answer
// counts when it is 200 naming the member, with a CSRF token and the session cookie. Reads its
// settings as JSON on stdin, runs a warm-up then the measured run, prints the result as JSON.
import { Agent, request } from "node:http";
import { base64Decode } from "../src/pki/bytes.ts";
import { signCms } from "../src/pki/cms.ts";
import { signLoginForm } from "../src/pki/login-form.ts";
import { importSigningKey } from "../src/pki/private-key.ts";

export interface CertificateMember {
  userId: string;
  /** base64 DER */
  certificate: string;
  /** base64 PKCS#8: the decrypted key file, as the browser holds it for one signature. */
  privateKey: string;
  /** base64 R */
  vidRandom: string;
}

export type LoginLoadInput = {
  url: string;
  connections: number;
  seconds: number;
  warmupSeconds: number;
} & (
  | { kind: "certificate"; members: CertificateMember[] }
  | { kind: "password"; users: { userId: string; password: string }[] }
);

export interface LoginLoadResult {
  ok: number;
  failed: number;
  seconds: number;
  /** The login POST alone, milliseconds. */
  loginP50: number;
  loginP99: number;
  /** The challenge POST alone (certificate logins). */
  challengeP50?: number;
  challengeP99?: number;
  /** Signing the form in the loader (certificate logins): client time, not the server's. */
  signP50?: number;
  firstFailure?: string;
}

const input = JSON.parse(
  await new Response(process.stdin as unknown as ReadableStream).text(),
) as LoginLoadInput;
const target = new URL(input.url);
const agent = new Agent({ keepAlive: true, maxSockets: input.connections });

function post(path: string, body: unknown): Promise<{ status: number; json: unknown; cookie: string }> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, target),
      {
        method: "POST",
        agent,
        headers: payload ? { "content-type": "application/json", "content-length": payload.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          let json: unknown;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json, cookie: String(res.headers["set-cookie"] ?? "") });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error("no answer in 10 s")));
    req.end(payload);
  });
}

interface Signer {
  userId: string;
  certificate: Uint8Array;
  vidRandom: Uint8Array;
  key: CryptoKey;
}

const signers: Signer[] =
  input.kind === "certificate"
    ? await Promise.all(
        input.members.map(async (m) => ({
          userId: m.userId,
          certificate: base64Decode(m.certificate),
          vidRandom: base64Decode(m.vidRandom),
          key: await importSigningKey(base64Decode(m.privateKey)),
        })),
      )
    : [];

function loggedIn(r: { status: number; json: unknown; cookie: string }, userId: string): boolean {
  const body = r.json as { userId?: unknown; csrfToken?: unknown } | undefined;
  return (
    r.status === 200 &&
    body?.userId === userId &&
    typeof body.csrfToken === "string" &&
    r.cookie.startsWith("geumgo_session=")
  );
}

const origin = target.origin;

async function drive(seconds: number): Promise<LoginLoadResult> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const logins: number[] = [];
  const challenges: number[] = [];
  const signs: number[] = [];
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  const fail = (why: string) => {
    failed++;
    firstFailure ??= why;
  };
  await Promise.all(
    Array.from({ length: input.connections }, async () => {
      while (performance.now() < deadline) {
        try {
          if (input.kind === "password") {
            const user = input.users[next++ % input.users.length]!;
            const sent = performance.now();
            const r = await post("/api/auth/login", user);
            logins.push(performance.now() - sent);
            if (loggedIn(r, user.userId)) ok++;
            else fail(`HTTP ${r.status} ${JSON.stringify(r.json)}`);
            continue;
          }
          const s = signers[next++ % signers.length]!;
          const c0 = performance.now();
          const c = await post("/api/auth/certificate/challenge", undefined);
          challenges.push(performance.now() - c0);
          const challenge = (c.json as { challenge?: string } | undefined)?.challenge;
          if (c.status !== 200 || !challenge) {
            fail(`challenge HTTP ${c.status} ${JSON.stringify(c.json)}`);
            continue;
          }
          const s0 = performance.now();
          const body = await signLoginForm(
            {
              certificate: s.certificate,
              vidRandom: s.vidRandom,
              signCms: (content) => signCms({ content, certificate: s.certificate, privateKey: s.key }),
            },
            { challenge, origin },
          );
          signs.push(performance.now() - s0);
          const l0 = performance.now();
          const r = await post("/api/auth/certificate/login", body);
          logins.push(performance.now() - l0);
          if (loggedIn(r, s.userId)) ok++;
          else fail(`HTTP ${r.status} ${JSON.stringify(r.json)}`);
        } catch (e) {
          fail(String(e));
        }
      }
    }),
  );
  const at = (xs: number[], q: number) => {
    xs.sort((a, b) => a - b);
    return xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? Number.NaN;
  };
  return {
    ok,
    failed,
    seconds: (performance.now() - t0) / 1000,
    loginP50: at(logins, 0.5),
    loginP99: at(logins, 0.99),
    ...(challenges.length
      ? { challengeP50: at(challenges, 0.5), challengeP99: at(challenges, 0.99), signP50: at(signs, 0.5) }
      : {}),
    ...(firstFailure ? { firstFailure } : {}),
  };
}

await drive(input.warmupSeconds);
const result = await drive(input.seconds);
agent.destroy();
process.stdout.write(JSON.stringify(result));
