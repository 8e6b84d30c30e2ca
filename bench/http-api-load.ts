// Child process of the HTTP API bench: autocannon logging members in, or making transfers with the
// security card (challenge, then POST /api/transfers), checking every answer. Reads its settings as
// JSON on stdin, runs a warm-up then the measured run, and prints the figures of both as JSON.
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import { sessionCookies } from "../src/server/api/session-hooks.ts";

export interface BenchSession {
  /** The Cookie header's value. */
  cookie: string;
  csrf: string;
}

export interface TransferMember {
  /** Formatted, as the receipt writes it. */
  fromAccount: string;
  pin: string;
  /** The security card's 35 codes (code no. 1 first). */
  card: string[];
  /** Each good for `codeEntriesPerSession` transfers; used in turn. */
  sessions: BenchSession[];
  /**
   * Transfers signed ahead with the member's certificate (bench/transfer-signatures.ts), one per
   * transfer in turn: the n-th under the nonce of the session the n-th transfer uses.
   */
  signed?: SignedTransfer[];
}

/** A transfer's fields that its signature covers, and the signature's three fields. */
export interface SignedTransfer {
  idempotencyKey: string;
  toAccount: string;
  signature: string;
  signedAt: string;
  signatureNonce: string;
}

export interface LoadSettings {
  url: string;
  connections: number;
  seconds: number;
  warmupSeconds: number;
}

export type LoadWork =
  | { kind: "login"; users: { userId: string; password: string }[] }
  | {
      kind: "transfer";
      members: TransferMember[];
      /** Formatted account numbers that receive. */
      recipients: string[];
      amount: string;
      codeEntriesPerSession: number;
    };

export type LoadInput = LoadSettings & LoadWork;

export interface LoadResult {
  seconds: number;
  /** Answers of the measured request (login, or the transfer POST) that were 2xx with the right body. */
  ok: number;
  /** Responses autocannon saw, of every request in the sequence (a transfer takes two). */
  responses: number;
  /** Of those, not 2xx; with the counts by status. */
  non2xx: number;
  statusCodes: Record<string, number>;
  /** 2xx whose body or headers were not what the request must get back. */
  badBodies: number;
  /** Connection errors and timeouts, as autocannon counts them. */
  errors: number;
  timeouts: number;
  /** Of the measured request, from writing it to its answer's last byte, in ms. */
  p50: number;
  p99: number;
  /** The same for the challenge that comes before a transfer. */
  challenge?: { p50: number; p99: number };
  firstFailure?: string;
}

const input = JSON.parse(await new Response(process.stdin as unknown as ReadableStream).text()) as LoadInput;

let ok = 0;
let badBodies = 0;
let latencies: number[] = [];
let challengeLatencies: number[] = [];
let firstFailure: string | undefined;

function fail(why: string): void {
  firstFailure ??= why;
}

/** A response that is not what the request must get back: non-2xx is counted by autocannon too. */
function refused(what: string, status: number, body: string): void {
  if (status >= 200 && status < 300) badBodies++;
  fail(`${what}: HTTP ${status} ${body.slice(0, 200)}`);
}

function parse(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** autocannon restarts the sequence when setupRequest returns nothing; its types do not say so. */
const restart = undefined as unknown as autocannon.Request;
const json = { "content-type": "application/json" };

function loginRequests(users: { userId: string; password: string }[]): autocannon.Request[] {
  let next = 0;
  interface Context {
    userId?: string;
    sentAt?: number;
  }
  return [
    {
      method: "POST",
      path: "/api/auth/login",
      setupRequest(request, context) {
        const c = context as Context;
        const user = users[next++ % users.length]!;
        c.userId = user.userId;
        c.sentAt = performance.now();
        return { ...request, headers: { ...json }, body: JSON.stringify(user) };
      },
      onResponse(status, body, context, headers) {
        const c = context as Context;
        latencies.push(performance.now() - c.sentAt!);
        const answer = parse(body);
        const cookie = String(headers?.["set-cookie"] ?? "");
        if (
          status === 200 &&
          answer?.userId === c.userId &&
          typeof answer?.csrfToken === "string" &&
          cookie.startsWith(`${sessionCookies.member}=`)
        ) {
          ok++;
        } else refused(`login ${c.userId}`, status, body);
      },
    },
  ];
}

/** A member and how many code entries its sessions have had, across both runs. */
interface Held {
  member: TransferMember;
  used: number;
}

function transferRequests(
  pool: Held[],
  recipients: string[],
  amount: string,
  perSession: number,
): autocannon.Request[] {
  // A card challenge belongs to the member, not the session: two connections on one member would
  // answer each other's challenges. So a connection holds a member for one transfer at a time.
  // Each run starts with all of them free (the last run's connections are gone).
  const free = [...pool];
  interface Context {
    held?: Held;
    session?: BenchSession;
    challenge?: { first: number; second: number };
    to?: string;
    sentAt?: number;
  }
  const release = (c: Context) => {
    if (c.held) free.push(c.held);
    c.held = undefined;
  };
  return [
    {
      method: "GET",
      path: "/api/transfers/challenge",
      setupRequest(request, context) {
        const c = context as Context;
        const held = free.shift();
        if (!held) throw new Error("more connections than members");
        const session = held.member.sessions[Math.floor(held.used / perSession)];
        // Out of sessions: the run is longer or faster than the fixture was made for.
        if (!session) throw new Error("every bench session has used its code entries; make more");
        c.held = held;
        c.session = session;
        // This turn's numbers only: a refused challenge must not leave the last turn's behind.
        c.challenge = undefined;
        c.sentAt = performance.now();
        return { ...request, headers: { cookie: session.cookie } };
      },
      onResponse(status, body, context) {
        const c = context as Context;
        challengeLatencies.push(performance.now() - c.sentAt!);
        const answer = parse(body);
        if (status === 200 && answer?.medium === "card") {
          c.challenge = { first: Number(answer.first), second: Number(answer.second) };
        } else refused("challenge", status, body);
      },
    },
    {
      method: "POST",
      path: "/api/transfers",
      setupRequest(request, context) {
        const c = context as Context;
        const held = c.held;
        if (!held || !c.challenge) {
          release(c);
          return restart;
        }
        const { member } = held;
        // The answer is the first two digits of code `first` and the last two of code `second`.
        const first = member.card[c.challenge.first - 1]!.slice(0, 2);
        const second = member.card[c.challenge.second - 1]!.slice(2);
        const signed = member.signed?.[held.used];
        if (member.signed && !signed)
          throw new Error("every signed transfer of a member is spent; sign more");
        let to = signed?.toAccount ?? recipients[Math.floor(Math.random() * recipients.length)]!;
        if (to === member.fromAccount) to = recipients[(recipients.indexOf(to) + 1) % recipients.length]!;
        c.to = to;
        held.used++;
        c.sentAt = performance.now();
        return {
          ...request,
          headers: { ...json, cookie: c.session!.cookie, "x-csrf-token": c.session!.csrf },
          body: JSON.stringify({
            idempotencyKey: signed?.idempotencyKey ?? randomUUID(),
            fromAccount: member.fromAccount,
            toAccount: to,
            amount,
            pin: member.pin,
            card: { first, second },
            ...(signed
              ? {
                  signature: signed.signature,
                  signedAt: signed.signedAt,
                  signatureNonce: signed.signatureNonce,
                }
              : {}),
          }),
        };
      },
      onResponse(status, body, context, headers) {
        const c = context as Context;
        latencies.push(performance.now() - c.sentAt!);
        const receipt = parse(body);
        if (
          status === 201 &&
          receipt?.fromAccount === c.held?.member.fromAccount &&
          receipt?.toAccount === c.to &&
          receipt?.amount === amount &&
          typeof receipt?.id === "string" &&
          // A fresh key each time: a replayed receipt would be no transfer at all.
          headers?.["idempotent-replayed"] === undefined
        ) {
          ok++;
        } else refused("transfer", status, body);
        release(c);
      },
    },
  ];
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const pool: Held[] = input.kind === "transfer" ? input.members.map((member) => ({ member, used: 0 })) : [];

async function run(seconds: number): Promise<LoadResult> {
  ok = 0;
  badBodies = 0;
  latencies = [];
  challengeLatencies = [];
  firstFailure = undefined;
  const requests =
    input.kind === "login"
      ? loginRequests(input.users)
      : transferRequests(pool, input.recipients, input.amount, input.codeEntriesPerSession);
  const r = await autocannon({ url: input.url, connections: input.connections, duration: seconds, requests });
  const sorted = latencies.sort((a, b) => a - b);
  const challenges = challengeLatencies.sort((a, b) => a - b);
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = count ?? 0;
  return {
    seconds: r.duration,
    ok,
    responses: r.requests.total,
    non2xx: r.non2xx,
    statusCodes,
    badBodies,
    errors: r.errors,
    timeouts: r.timeouts,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    ...(challenges.length > 0
      ? { challenge: { p50: percentile(challenges, 50), p99: percentile(challenges, 99) } }
      : {}),
    ...(firstFailure ? { firstFailure } : {}),
  };
}

export interface LoadRuns {
  warmup: LoadResult;
  measured: LoadResult;
}

const warmup = await run(input.warmupSeconds);
// Let the server finish what the warm-up left in flight, so that it is not counted against the run.
await new Promise((resolve) => setTimeout(resolve, 2000));
const runs: LoadRuns = { warmup, measured: await run(input.seconds) };
process.stdout.write(JSON.stringify(runs));
