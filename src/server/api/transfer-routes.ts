// Transfers: the recipient's name for confirmation, the security-medium challenge, and the transfer
// itself (PIN, then OTP or security card, then the posting with its notifications, all once per
// idempotency key). A transfer's certificate signature (issue 6) slots in at checkTransferSignature.
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { formatAccountNumber } from "../../bank/account-number.ts";
import { type Account, verifyPin } from "../../bank/accounts.ts";
import { BankError, isBankError } from "../../bank/errors.ts";
import { findCooperativeByCode } from "../../bank/federation.ts";
import { notifyTransfer } from "../../bank/notifications.ts";
import { mediumChallenge, verifyMedium } from "../../bank/security-medium.ts";
import { postTransfer, type TransferRequest } from "../../bank/transfer.ts";
import type { Queryable } from "../../db/db.ts";
import type { App } from "../context.ts";
import { ServerError } from "../errors.ts";
import { memberLimits } from "./account-routes.ts";
import { ownAccount, recipientAccount } from "./ownership.ts";
import { type RateRules, rateLimit } from "./rate-limits.ts";
import {
  AccountNumberIn,
  AccountNumberOut,
  AmountIn,
  errors,
  Id,
  Instant,
  memberSecurity,
  memberUnsafeSecurity,
  Strict,
  Won,
} from "./schemas.ts";
import { type MemberAuth, requireMember } from "./session-hooks.ts";

/** The bank's medium codes as this API names them (the plan's and the front end's words). */
function mediumError(e: unknown): unknown {
  if (isBankError(e, "media_locked")) return new ServerError("medium_locked");
  if (isBankError(e, "media_not_registered")) return new ServerError("medium_not_registered");
  if (isBankError(e, "media_wrong")) {
    const remaining = e.details?.remaining;
    return new ServerError(
      "medium_wrong",
      undefined,
      typeof remaining === "number" ? { remaining } : undefined,
    );
  }
  return e;
}

async function holderName(db: Queryable, account: Account): Promise<string> {
  const { rows } = await db.query<{ real_name: string }>(
    "SELECT real_name FROM members WHERE cooperative_id = $1 AND id = $2",
    [account.cooperativeId, account.memberId],
  );
  return rows[0]?.real_name ?? account.name;
}

/**
 * What can be said before any code is typed: the accounts, the balance and the limits. The
 * transfer itself checks all of it again under its locks; this only spares a member an OTP code
 * spent on a transfer that cannot go through.
 */
async function precheck(
  app: App,
  auth: MemberAuth,
  body: { fromAccount: string; toAccount: string; amount: string },
) {
  const from = await ownAccount(app.db, auth, body.fromAccount);
  const to = await recipientAccount(app.db, body.toAccount);
  const amount = BigInt(body.amount);
  if (from.cooperativeId === to.cooperativeId && from.id === to.id) throw new BankError("same_account");
  if (from.status !== "active") throw new BankError("account_not_active", { account: "from" });
  const limits = await memberLimits(app, auth);
  if (!limits.medium) throw new ServerError("medium_not_registered");
  if (amount > limits.perTransfer)
    throw new BankError("exceeds_transfer_limit", { limit: limits.perTransfer });
  if (limits.usedToday + amount > limits.perDay) {
    throw new BankError("exceeds_daily_limit", { limit: limits.perDay, used: limits.usedToday });
  }
  if (from.available < amount) throw new BankError("insufficient_funds");
  return { from, to, amount, medium: limits.medium };
}

/**
 * Issue 6: every transfer will carry a CMS signature over its canonical form, made with the
 * member's certificate and checked here, before the money moves; the certificate centre keeps it
 * beside the transfer id. Until then there is nothing to check.
 */
async function checkTransferSignature(
  _app: App,
  _auth: MemberAuth,
  _transfer: TransferRequest,
): Promise<void> {}

const Receipt = Type.Object({
  id: Id,
  at: Instant,
  fromAccount: AccountNumberOut,
  toAccount: AccountNumberOut,
  recipientName: Type.String(),
  amount: Won,
  balanceAfter: Won,
  memo: Type.Union([Type.String(), Type.Null()], { description: "what the recipient's statement shows" }),
});

/** The receipt of a member's transfer, read back from the ledger (the same for every repeat). */
async function receipt(db: Queryable, cooperativeId: number, transferId: bigint) {
  const { rows } = await db.query<{
    id: bigint;
    created_at: Date;
    from_number: string;
    to_number: string;
    to_name: string;
    amount: bigint;
    balance_after: bigint;
    memo_to: string | null;
  }>(
    `SELECT t.id, t.created_at, fa.number AS from_number, ta.number AS to_number,
            coalesce(tm.real_name, ta.name) AS to_name, t.amount, e.balance_after, t.memo_to
     FROM transfers t
     JOIN accounts fa ON fa.cooperative_id = t.cooperative_id AND fa.id = t.from_account_id
     JOIN accounts ta ON ta.cooperative_id = t.to_cooperative_id AND ta.id = t.to_account_id
     LEFT JOIN members tm ON tm.cooperative_id = ta.cooperative_id AND tm.id = ta.member_id
     JOIN entries e ON e.cooperative_id = t.cooperative_id AND e.transfer_cooperative_id = t.cooperative_id
       AND e.transfer_id = t.id AND e.account_id = t.from_account_id
     WHERE t.cooperative_id = $1 AND t.id = $2`,
    [cooperativeId, transferId],
  );
  const r = rows[0]!;
  return {
    id: r.id.toString(),
    at: r.created_at.toISOString(),
    fromAccount: formatAccountNumber(r.from_number),
    toAccount: formatAccountNumber(r.to_number),
    recipientName: r.to_name,
    amount: r.amount.toString(),
    balanceAfter: r.balance_after.toString(),
    memo: r.memo_to,
  };
}

/** A transfer already made under this key by this member: its id, and whether the request matches. */
async function earlierTransfer(
  db: Queryable,
  auth: MemberAuth,
  key: string,
  want: { from: Account; to: Account; amount: bigint; memo: string | null },
): Promise<bigint | undefined> {
  const { rows } = await db.query<{
    id: bigint;
    from_account_id: bigint;
    to_cooperative_id: number;
    to_account_id: bigint;
    amount: bigint;
    memo_to: string | null;
  }>(
    `SELECT id, from_account_id, to_cooperative_id, to_account_id, amount, memo_to FROM transfers
     WHERE cooperative_id = $1 AND idempotency_scope = $2 AND idempotency_key = $3`,
    [auth.cooperativeId, `member:${auth.cooperativeId}:${auth.memberId}`, key],
  );
  const t = rows[0];
  if (!t) return undefined;
  const same =
    t.from_account_id === want.from.id &&
    t.to_cooperative_id === want.to.cooperativeId &&
    t.to_account_id === want.to.id &&
    t.amount === want.amount &&
    t.memo_to === want.memo;
  if (!same) throw new BankError("idempotency_key_reused");
  return t.id;
}

export const transferRoutes: FastifyPluginAsyncTypebox<{ app: App; rules: RateRules }> = async (
  fastify,
  { app, rules },
) => {
  const now = () => app.bank.clock.now();
  const Transfer = { fromAccount: AccountNumberIn, toAccount: AccountNumberIn, amount: AmountIn };

  fastify.post(
    "/api/transfers/recipient",
    {
      schema: {
        tags: ["transfers"],
        summary: "Who receives: the recipient's real name for confirmation (checks balance and limits too)",
        security: memberUnsafeSecurity,
        body: Strict(Transfer),
        response: {
          200: Type.Object({
            toAccount: AccountNumberOut,
            recipientName: Type.String(),
            cooperativeName: Type.String(),
            amount: Won,
            fee: Won,
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const auth = await requireMember(request);
      // Each answer shows a real name: looking numbers up in bulk is what this limit stops.
      await rateLimit(app.db, reply, rules, "recipientPerSession", auth.sessionId, now());
      const { to, amount } = await precheck(app, auth, request.body);
      const cooperative = await findCooperativeByCode(app.db, to.number.slice(0, 4));
      return {
        toAccount: formatAccountNumber(to.number),
        recipientName: await holderName(app.db, to),
        cooperativeName: cooperative.name,
        amount: amount.toString(),
        fee: "0",
      };
    },
  );

  fastify.get(
    "/api/transfers/challenge",
    {
      schema: {
        tags: ["transfers"],
        summary: "What the transfer form asks for: an OTP code, or two security-card code numbers",
        security: memberSecurity,
        response: {
          200: Type.Union([
            Type.Object({ medium: Type.Literal("otp") }),
            Type.Object({
              medium: Type.Literal("card"),
              first: Type.Integer({
                minimum: 1,
                maximum: 35,
                description: "type the first two digits of this code",
              }),
              second: Type.Integer({
                minimum: 1,
                maximum: 35,
                description: "type the last two digits of this code",
              }),
            }),
          ]),
          ...errors,
        },
      },
    },
    async (request) => {
      const auth = await requireMember(request);
      try {
        const c = await mediumChallenge(app.bank, auth);
        return c.kind === "otp"
          ? { medium: "otp" as const }
          : { medium: "card" as const, first: c.challenge.first, second: c.challenge.second };
      } catch (e) {
        throw mediumError(e);
      }
    },
  );

  fastify.post(
    "/api/transfers",
    {
      schema: {
        tags: ["transfers"],
        summary: "Send money. The same idempotencyKey always answers with the first transfer's receipt",
        security: memberUnsafeSecurity,
        body: Strict({
          idempotencyKey: Type.String({
            pattern: "^[A-Za-z0-9_-]{8,100}$",
            description: "one per transfer form, e.g. a random UUID",
          }),
          ...Transfer,
          memo: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: "받는 분 통장 표시" })),
          pin: Type.String({ pattern: "^[0-9]{4}$", description: "the withdrawal account's passbook PIN" }),
          otp: Type.Optional(Type.String({ pattern: "^[0-9]{6}$" })),
          card: Type.Optional(
            Strict({
              first: Type.String({
                pattern: "^[0-9]{2}$",
                description: "first two digits of code no. `first`",
              }),
              second: Type.String({
                pattern: "^[0-9]{2}$",
                description: "last two digits of code no. `second`",
              }),
            }),
          ),
        }),
        response: { 201: Receipt, ...errors },
      },
    },
    async (request, reply) => {
      const auth = await requireMember(request);
      const body = request.body;
      const from = await ownAccount(app.db, auth, body.fromAccount);
      const to = await recipientAccount(app.db, body.toAccount);
      const amount = BigInt(body.amount);
      const memo = body.memo ?? null;

      // A repeat (a retry after a lost answer) gets the first receipt without spending a code.
      const earlier = await earlierTransfer(app.db, auth, body.idempotencyKey, { from, to, amount, memo });
      if (earlier !== undefined) {
        reply.header("idempotent-replayed", "true");
        return reply.status(201).send(await receipt(app.db, auth.cooperativeId, earlier));
      }

      await rateLimit(app.db, reply, rules, "codeEntryPerSession", auth.sessionId, now());
      const { medium } = await precheck(app, auth, body);
      await verifyPin(app.bank, from.cooperativeId, from.id, body.pin);
      const answer = medium === "otp" ? body.otp : body.card && `${body.card.first}${body.card.second}`;
      if (answer === undefined) throw new ServerError("validation", medium === "otp" ? "otp" : "card");
      const proven = await verifyMedium(app.bank, { ...auth, answer }).catch((e: unknown) => {
        throw mediumError(e);
      });

      const transfer: TransferRequest = {
        idempotencyKey: body.idempotencyKey,
        actor: { kind: "member", cooperativeId: auth.cooperativeId, memberId: auth.memberId, medium: proven },
        from: { cooperativeId: from.cooperativeId, accountId: from.id },
        to: { cooperativeId: to.cooperativeId, accountId: to.id },
        amount,
        ...(memo !== null ? { memoTo: memo } : {}),
      };
      await checkTransferSignature(app, auth, transfer);
      const senderName = await holderName(app.db, from);
      const recipientName = await holderName(app.db, to);
      const result = await app.db.transaction(async (tx) => {
        const r = await postTransfer(app.bank, tx, transfer);
        if (!r.replayed) {
          await notifyTransfer(tx, {
            transferId: r.transfer.id,
            cooperativeId: r.transfer.cooperativeId,
            at: r.transfer.createdAt,
            amount,
            from: {
              ...from,
              memberId: auth.memberId,
              name: senderName,
              balanceAfter: r.transfer.fromBalanceAfter,
            },
            to: { ...to, name: recipientName },
          });
        }
        return r;
      });
      request.log.info({ transfer: result.transfer.id.toString(), replayed: result.replayed }, "transfer");
      if (result.replayed) reply.header("idempotent-replayed", "true");
      return reply.status(201).send(await receipt(app.db, result.transfer.cooperativeId, result.transfer.id));
    },
  );
};
