// The member's own data: my information, accounts and balances, account history (paged, by
// date), statements (CSV, PDF) and transfer limits (read; lower only). Each route reads the
// request, makes one call into src/bank and maps the answer.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { formatAccountNumber } from "../../bank/account-number.ts";
import { listMemberAccounts } from "../../bank/accounts.ts";
import { isBankError } from "../../bank/errors.ts";
import { memberHistory } from "../../bank/member-history.ts";
import { lowerMemberLimits, type MemberLimits, memberLimits } from "../../bank/member-limits.ts";
import { memberStatement } from "../../bank/member-statement.ts";
import { memberProfile } from "../../bank/members.ts";
import type { App } from "../context.ts";
import { ServerError } from "../errors.ts";
import {
  AccountParams,
  AccountsAnswer,
  HistoryAnswer,
  HistoryQuery,
  LimitsAnswer,
  LimitsBody,
  Me,
  StatementFile,
  StatementQuery,
} from "./account-schemas.ts";
import { errors, memberSecurity, memberUnsafeSecurity } from "./schemas.ts";
import { requireMember } from "./session-hooks.ts";

function limitsJson(l: MemberLimits) {
  return {
    medium: l.medium,
    perTransfer: l.perTransfer.toString(),
    perDay: l.perDay.toString(),
    usedToday: l.usedToday.toString(),
  };
}

/** The bank's limit codes as this API names them. */
function limitsError(e: unknown): unknown {
  if (isBankError(e, "medium_not_registered")) return new ServerError("medium_not_registered");
  if (isBankError(e, "limit_raise_needs_branch")) return new ServerError("raise_at_branch");
  if (isBankError(e, "amount_too_large")) return new ServerError("bad_limits");
  return e;
}

export const accountRoutes: FastifyPluginAsyncTypebox<{ app: App }> = async (fastify, { app }) => {
  fastify.get(
    "/api/me",
    {
      schema: {
        tags: ["member"],
        summary: "My information",
        security: memberSecurity,
        response: { 200: Me, ...errors },
      },
    },
    async (request) => {
      const auth = await requireMember(request);
      const { member, cooperative } = await memberProfile(app.bank, auth);
      return {
        userId: auth.userId,
        name: member.realName,
        cooperative: {
          code: cooperative.code,
          name: cooperative.name,
          customerCentrePhone: cooperative.customerCentrePhone,
        },
        rrnMasked: member.rrnMasked,
        phone: member.phone,
        email: member.email,
        address: member.address,
        enrolledAt: auth.enrolledAt.toISOString(),
        previousLoginAt: auth.previousLoginAt?.toISOString() ?? null,
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
        response: { 200: AccountsAnswer, ...errors },
      },
    },
    async (request) => {
      const auth = await requireMember(request);
      const accounts = await listMemberAccounts(app.db, auth.cooperativeId, auth.memberId);
      return {
        // A member holds demand and savings accounts only; the cooperative's own kinds are never a member's.
        accounts: accounts.map((a) => ({
          number: formatAccountNumber(a.number),
          kind: a.kind as "demand" | "savings",
          name: a.name,
          balance: a.balance.toString(),
          available: a.available.toString(),
          status: a.status,
          openedAt: a.openedAt.toISOString(),
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
        params: AccountParams,
        querystring: HistoryQuery,
        response: { 200: HistoryAnswer, ...errors },
      },
    },
    async (request) => {
      const auth = await requireMember(request);
      const { from, to, cursor, limit } = request.query;
      const page = await memberHistory(app.bank, auth, {
        accountNumber: request.params.number,
        ...(from !== undefined ? { fromDay: from } : {}),
        ...(to !== undefined ? { toDay: to } : {}),
        ...(cursor ? { before: BigInt(cursor) } : {}),
        limit: limit ?? 20,
      });
      return {
        entries: page.entries.map((e) => ({
          id: e.id.toString(),
          at: e.at.toISOString(),
          kind: e.direction,
          amount: e.amount.toString(),
          balanceAfter: e.balanceAfter.toString(),
          counterpartyName: e.counterpartyName,
          memo: e.memo,
        })),
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
        params: AccountParams,
        querystring: StatementQuery,
        produces: ["text/csv", "application/pdf"],
        response: { 200: StatementFile, ...errors },
      },
    },
    async (request, reply) => {
      const auth = await requireMember(request);
      const { from, to, format } = request.query;
      const statement = await memberStatement(app.bank, auth, {
        accountNumber: request.params.number,
        fromDay: from,
        toDay: to,
        format,
      });
      const name = `statement-${statement.accountNumber}-${from}-${to}.${format}`;
      reply.header("content-disposition", `attachment; filename="${name}"`);
      if (statement.format === "csv") {
        reply.type("text/csv; charset=utf-8");
        return reply.send(statement.csv);
      }
      reply.type("application/pdf");
      // Fastify sends a Buffer as it is; the schema can only call the bytes a string.
      const pdf: unknown = Buffer.from(statement.pdf);
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
      return limitsJson(await memberLimits(app.bank, auth));
    },
  );

  fastify.put(
    "/api/limits",
    {
      schema: {
        tags: ["transfers"],
        summary: "Lower my transfer limits (raising them is done at a branch: 403 raise_at_branch)",
        security: memberUnsafeSecurity,
        body: LimitsBody,
        response: { 200: LimitsAnswer, ...errors },
      },
    },
    async (request) => {
      const auth = await requireMember(request);
      const limits = { perTransfer: BigInt(request.body.perTransfer), perDay: BigInt(request.body.perDay) };
      const lowered = await lowerMemberLimits(app.bank, auth, limits).catch((e: unknown) => {
        throw limitsError(e);
      });
      return limitsJson(lowered);
    },
  );
};
