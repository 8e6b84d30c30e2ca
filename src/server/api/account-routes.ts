// The member's own data: my information, accounts and balances, account history (paged, by
// date), statements (CSV, PDF) and transfer limits (read; lower only).
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { formatAccountNumber } from "../../bank/account-number.ts";
import { BankError, isBankError } from "../../bank/errors.ts";
import { accountHistory } from "../../bank/history.ts";
import { getLimits, type SecurityMedium, seoulDay, setLimits } from "../../bank/limits.ts";
import { getMember } from "../../bank/members.ts";
import { statementCsv } from "../../bank/statement.ts";
import { statementPdf } from "../../bank/statement-pdf.ts";
import type { Queryable } from "../../db/db.ts";
import type { App } from "../context.ts";
import { ServerError } from "../errors.ts";
import { ownAccount } from "./ownership.ts";
import {
  AccountNumberIn,
  AccountNumberOut,
  AmountIn,
  Day,
  errors,
  Id,
  Instant,
  memberSecurity,
  memberUnsafeSecurity,
  Strict,
  Won,
} from "./schemas.ts";
import { requireMember } from "./session-hooks.ts";

const dayMs = 86_400_000;
/** A statement covers at most a year (and lists at most 10,000 postings, src/bank/statement.ts). */
const statementDaysMax = 366;

/** [start of `from`, end of `to`] in Seoul days; either end may be open. */
function dayRange(from: string | undefined, to: string | undefined): { from?: Date; to?: Date } {
  const start = from === undefined ? undefined : new Date(`${from}T00:00:00+09:00`);
  const end = to === undefined ? undefined : new Date(new Date(`${to}T00:00:00+09:00`).getTime() + dayMs);
  if (
    (start && Number.isNaN(start.getTime())) ||
    (end && Number.isNaN(end.getTime())) ||
    (start && end && start >= end)
  ) {
    throw new BankError("bad_date_range");
  }
  return { ...(start ? { from: start } : {}), ...(end ? { to: end } : {}) };
}

const Account = Type.Object({
  number: AccountNumberOut,
  kind: Type.Union([Type.Literal("demand"), Type.Literal("savings")]),
  name: Type.String({ description: "the product's name (보통예금, …)" }),
  balance: Won,
  available: Won,
  status: Type.Union([
    Type.Literal("active"),
    Type.Literal("dormant"),
    Type.Literal("frozen"),
    Type.Literal("closed"),
  ]),
  openedAt: Instant,
});

const HistoryEntry = Type.Object({
  id: Id,
  at: Instant,
  kind: Type.Union([Type.Literal("in"), Type.Literal("out")], { description: "입금 (in) or 출금 (out)" }),
  amount: Type.String({ pattern: "^[0-9]+$", description: "won moved, always positive; see kind" }),
  balanceAfter: Won,
  counterpartyName: Type.Union([Type.String(), Type.Null()], {
    description: "the other account's holder; null for the cooperative's own accounts",
  }),
  memo: Type.String({ description: "what this account's statement shows (적요)" }),
});

const LimitsAnswer = Type.Object({
  medium: Type.Union([Type.Literal("otp"), Type.Literal("card"), Type.Null()]),
  perTransfer: Won,
  perDay: Won,
  usedToday: Won,
});

async function registeredMedium(db: Queryable, cooperativeId: number, memberId: bigint) {
  const { rows } = await db.query<{ kind: SecurityMedium }>(
    "SELECT kind FROM security_media WHERE cooperative_id = $1 AND member_id = $2",
    [cooperativeId, memberId],
  );
  return rows[0]?.kind ?? null;
}

/** The limits in force for the member's medium; with none registered, nothing can be sent. */
export async function memberLimits(app: App, who: { cooperativeId: number; memberId: bigint }) {
  const medium = await registeredMedium(app.db, who.cooperativeId, who.memberId);
  const all = await getLimits(app.db, who.cooperativeId, who.memberId);
  const { rows } = await app.db.query<{ day: string | null; day_total: bigint }>(
    "SELECT to_char(day, 'YYYY-MM-DD') AS day, day_total FROM member_limits WHERE cooperative_id = $1 AND member_id = $2",
    [who.cooperativeId, who.memberId],
  );
  const usedToday = rows[0]?.day === seoulDay(app.bank.clock.now()) ? rows[0].day_total : 0n;
  const limits = medium ? all[medium] : { perTransfer: 0n, perDay: 0n };
  return { medium, perTransfer: limits.perTransfer, perDay: limits.perDay, usedToday };
}

function limitsJson(l: Awaited<ReturnType<typeof memberLimits>>) {
  return {
    medium: l.medium,
    perTransfer: l.perTransfer.toString(),
    perDay: l.perDay.toString(),
    usedToday: l.usedToday.toString(),
  };
}

export const accountRoutes: FastifyPluginAsyncTypebox<{ app: App }> = async (fastify, { app }) => {
  fastify.get(
    "/api/me",
    {
      schema: {
        tags: ["member"],
        summary: "My information",
        security: memberSecurity,
        response: {
          200: Type.Object({
            userId: Type.String(),
            name: Type.String(),
            cooperative: Type.Object({
              code: Type.String(),
              name: Type.String(),
              customerCentrePhone: Type.Union([Type.String(), Type.Null()], {
                description: "the cooperative's customer-centre number (02-1234-5678); null when not set",
              }),
            }),
            rrnMasked: Type.String({ description: "900101-1******" }),
            phone: Type.Union([Type.String(), Type.Null()]),
            email: Type.Union([Type.String(), Type.Null()]),
            enrolledAt: Instant,
            previousLoginAt: Type.Union([Instant, Type.Null()]),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const auth = await requireMember(request);
      const member = await getMember(app.bank, auth.cooperativeId, auth.memberId);
      const { rows } = await app.db.query<{
        code: string;
        name: string;
        customer_centre_phone: string | null;
        enrolled_at: Date;
        previous_login_at: Date | null;
      }>(
        `SELECT c.code, c.name, c.customer_centre_phone, u.enrolled_at, u.previous_login_at FROM users u
         JOIN cooperatives c ON c.id = u.cooperative_id WHERE u.cooperative_id = $1 AND u.member_id = $2`,
        [auth.cooperativeId, auth.memberId],
      );
      const r = rows[0]!;
      return {
        userId: auth.userId,
        name: member.realName,
        cooperative: { code: r.code, name: r.name, customerCentrePhone: r.customer_centre_phone },
        rrnMasked: member.rrnMasked,
        phone: member.phone,
        email: member.email,
        enrolledAt: r.enrolled_at.toISOString(),
        previousLoginAt: r.previous_login_at?.toISOString() ?? null,
      };
    },
  );

  fastify.get(
    "/api/accounts",
    {
      schema: {
        tags: ["accounts"],
        summary: "My accounts and balances",
        security: memberSecurity,
        response: { 200: Type.Object({ accounts: Type.Array(Account) }), ...errors },
      },
    },
    async (request) => {
      const auth = await requireMember(request);
      const { rows } = await app.db.query<{
        number: string;
        kind: "demand" | "savings";
        name: string;
        balance: bigint;
        held: bigint;
        overdraft_limit: bigint;
        status: "active" | "dormant" | "frozen" | "closed";
        opened_at: Date;
      }>(
        `SELECT number, kind, name, balance, held, overdraft_limit, status, opened_at FROM accounts
         WHERE cooperative_id = $1 AND member_id = $2 ORDER BY id`,
        [auth.cooperativeId, auth.memberId],
      );
      return {
        accounts: rows.map((a) => ({
          number: formatAccountNumber(a.number),
          kind: a.kind,
          name: a.name,
          balance: a.balance.toString(),
          available: (a.balance - a.held + a.overdraft_limit).toString(),
          status: a.status,
          openedAt: a.opened_at.toISOString(),
        })),
      };
    },
  );

  fastify.get(
    "/api/accounts/:number/history",
    {
      schema: {
        tags: ["accounts"],
        summary: "An account's postings, newest first, paged by cursor",
        security: memberSecurity,
        params: Strict({ number: AccountNumberIn }),
        querystring: Strict({
          from: Type.Optional(Day),
          to: Type.Optional(Day),
          cursor: Type.Optional(Id),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
        }),
        response: {
          200: Type.Object({
            entries: Type.Array(HistoryEntry),
            nextCursor: Type.Union([Id, Type.Null()], { description: "pass as cursor for older entries" }),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const auth = await requireMember(request);
      const account = await ownAccount(app.db, auth, request.params.number);
      const { from, to, cursor, limit } = request.query;
      const page = await accountHistory(app.db, {
        cooperativeId: account.cooperativeId,
        accountId: account.id,
        ...dayRange(from, to),
        ...(cursor ? { before: BigInt(cursor) } : {}),
        limit: limit ?? 20,
      });
      const names = await counterpartyNames(
        app.db,
        page.entries.map((e) => ({ cooperativeId: e.transferCooperativeId, id: e.transferId })),
      );
      return {
        entries: page.entries.map((e) => {
          const t = names.get(`${e.transferCooperativeId}:${e.transferId}`);
          return {
            id: e.id.toString(),
            at: e.at.toISOString(),
            kind: e.amount < 0n ? ("out" as const) : ("in" as const),
            amount: (e.amount < 0n ? -e.amount : e.amount).toString(),
            balanceAfter: e.balanceAfter.toString(),
            counterpartyName: (e.amount < 0n ? t?.toName : t?.fromName) ?? null,
            memo: e.description,
          };
        }),
        nextCursor: page.nextCursor?.toString() ?? null,
      };
    },
  );

  fastify.get(
    "/api/accounts/:number/statement",
    {
      schema: {
        tags: ["accounts"],
        summary: "A statement (거래내역서) of whole Seoul days, as CSV or PDF",
        security: memberSecurity,
        params: Strict({ number: AccountNumberIn }),
        querystring: Strict({
          from: Day,
          to: Day,
          format: Type.Union([Type.Literal("csv"), Type.Literal("pdf")]),
        }),
        produces: ["text/csv", "application/pdf"],
        response: {
          200: {
            description: "the file, as an attachment",
            content: {
              "text/csv": { schema: { type: "string" } },
              "application/pdf": { schema: { type: "string", format: "binary" } },
            },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const auth = await requireMember(request);
      const account = await ownAccount(app.db, auth, request.params.number);
      const { from, to, format } = request.query;
      const range = dayRange(from, to);
      if (range.to!.getTime() - range.from!.getTime() > statementDaysMax * dayMs) {
        throw new BankError("bad_date_range");
      }
      const options = {
        cooperativeId: account.cooperativeId,
        accountId: account.id,
        from: range.from!,
        to: range.to!,
        issuedAt: app.bank.clock.now(),
      };
      const name = `statement-${account.number}-${from}-${to}.${format}`;
      reply.header("content-disposition", `attachment; filename="${name}"`);
      if (format === "csv") {
        reply.type("text/csv; charset=utf-8");
        return reply.send(await statementCsv(app.bank, options));
      }
      reply.type("application/pdf");
      // Fastify sends a Buffer as it is; the schema can only call the bytes a string.
      const pdf: unknown = Buffer.from(await statementPdf(app.bank, options));
      return reply.send(pdf as string);
    },
  );

  fastify.get(
    "/api/limits",
    {
      schema: {
        tags: ["transfers"],
        summary: "Transfer limits for my security medium, and what today's transfers used",
        security: memberSecurity,
        response: { 200: LimitsAnswer, ...errors },
      },
    },
    async (request) => {
      const auth = await requireMember(request);
      return limitsJson(await memberLimits(app, auth));
    },
  );

  fastify.put(
    "/api/limits",
    {
      schema: {
        tags: ["transfers"],
        summary: "Lower my transfer limits (raising them is done at a branch: 403 raise_at_branch)",
        security: memberUnsafeSecurity,
        body: Strict({ perTransfer: AmountIn, perDay: AmountIn }),
        response: { 200: LimitsAnswer, ...errors },
      },
    },
    async (request) => {
      const auth = await requireMember(request);
      const current = await memberLimits(app, auth);
      if (!current.medium) throw new ServerError("medium_not_registered");
      const perTransfer = BigInt(request.body.perTransfer);
      const perDay = BigInt(request.body.perDay);
      if (perTransfer > current.perTransfer || perDay > current.perDay)
        throw new ServerError("raise_at_branch");
      if (perTransfer > perDay) throw new ServerError("bad_limits");
      try {
        await app.db.transaction((tx) =>
          setLimits(tx, {
            cooperativeId: auth.cooperativeId,
            memberId: auth.memberId,
            medium: current.medium!,
            limits: { perTransfer, perDay },
            atBranch: false,
          }),
        );
      } catch (e) {
        if (isBankError(e, "limit_raise_needs_branch")) throw new ServerError("raise_at_branch");
        if (isBankError(e, "amount_too_large")) throw new ServerError("bad_limits");
        throw e;
      }
      return limitsJson(await memberLimits(app, auth));
    },
  );
};

/** Who sent and who received each transfer: the holders' names, or null for the cooperative's own accounts. */
async function counterpartyNames(
  db: Queryable,
  transfers: { cooperativeId: number; id: bigint }[],
): Promise<Map<string, { fromName: string | null; toName: string | null }>> {
  if (transfers.length === 0) return new Map();
  const { rows } = await db.query<{
    cooperative_id: number;
    id: bigint;
    from_name: string | null;
    to_name: string | null;
  }>(
    `SELECT t.cooperative_id, t.id, fm.real_name AS from_name, tm.real_name AS to_name
     FROM unnest($1::int[], $2::bigint[]) AS want (cooperative_id, id)
     JOIN transfers t ON t.cooperative_id = want.cooperative_id AND t.id = want.id
     JOIN accounts fa ON fa.cooperative_id = t.cooperative_id AND fa.id = t.from_account_id
     LEFT JOIN members fm ON fm.cooperative_id = fa.cooperative_id AND fm.id = fa.member_id
     JOIN accounts ta ON ta.cooperative_id = t.to_cooperative_id AND ta.id = t.to_account_id
     LEFT JOIN members tm ON tm.cooperative_id = ta.cooperative_id AND tm.id = ta.member_id`,
    [transfers.map((t) => t.cooperativeId), transfers.map((t) => t.id)],
  );
  return new Map(
    rows.map((r) => [`${r.cooperative_id}:${r.id}`, { fromName: r.from_name, toName: r.to_name }]),
  );
}
