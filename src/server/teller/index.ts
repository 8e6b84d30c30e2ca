// The teller API under /api/teller: the teller's own login (cookie geumgo_teller, kind
// 'teller' sessions shared with the member side), and the branch desk's routes, each thin: parse,
// check the session (and the CSRF header on every POST but login), one desk call, the answer.
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { type TSchema, Type } from "typebox";
import { appendAudit } from "../../audit/audit-log.ts";
import { sessionExpiresAt, sessionIdleMs } from "../../auth/sessions.ts";
import { authenticateTeller, getTeller, type Teller } from "../../auth/tellers.ts";
import { isBankError } from "../../bank/errors.ts";
import { approvalAppliers } from "../../branch/approval-kinds.ts";
import { decideApproval, getApproval, pendingApprovals } from "../../branch/approvals.ts";
import { authorizeCertificate } from "../../branch/authorize-certificate.ts";
import { cashDeposit } from "../../branch/cash-deposit.ts";
import { closeDrawer, drawerDay, openDrawer } from "../../branch/cash-drawer.ts";
import { reprintReceipt } from "../../branch/cash-receipt.ts";
import { cashWithdrawal } from "../../branch/cash-withdrawal.ts";
import { viewLimits } from "../../branch/change-limits.ts";
import { changeMemberDetails, changeMemberName } from "../../branch/change-member-details.ts";
import { closeAccount } from "../../branch/close-account.ts";
import { type DeskContext, tellerActor } from "../../branch/desk.ts";
import { endInternetBanking } from "../../branch/end-internet-banking.ts";
import { enrolForInternetBanking } from "../../branch/enrol-member.ts";
import { lookupMember, viewMember } from "../../branch/find-member.ts";
import { handOutSecurityCard } from "../../branch/issue-security-card.ts";
import { changeLimitsWithApproval } from "../../branch/limit-approval.ts";
import { openMemberAccount } from "../../branch/open-account.ts";
import { registerMember } from "../../branch/register-member.ts";
import { registerOtpDevice } from "../../branch/register-otp.ts";
import { resetPassword } from "../../branch/reset-password.ts";
import { unlockMember } from "../../branch/unlock-member.ts";
import { defaultRateRules, rateLimit } from "../api/rate-limits.ts";
import {
  endSession,
  requireTeller,
  startSession,
  type TellerAuth,
  useSessions,
} from "../api/session-hooks.ts";
import type { App } from "../context.ts";
import { ServerError } from "../errors.ts";
import { fieldLabel } from "../input-rules.ts";
import { messageSenderFor } from "../message-senders.ts";
import {
  approvalAnswer,
  approvalListAnswer,
  approvalParams,
  branchLimitsAnswer,
  cashAnswer,
  certificateAuthorizationAnswer,
  certificateAuthorizationBody,
  changeDetailsBody,
  changeLimitsAnswer,
  changeLimitsBody,
  changeNameBody,
  closeAccountBody,
  closeAccountParams,
  closingAnswer,
  createMemberBody,
  depositBody,
  detailsAnswer,
  drawerAnswer,
  drawerCountBody,
  drawerDayAnswer,
  endInternetBankingAnswer,
  endInternetBankingBody,
  enrolmentBody,
  errorBody,
  extendAnswer,
  loginBody,
  lookupBody,
  memberParams,
  memberView,
  openAccountBody,
  otpAnswer,
  pendingApprovalAnswer,
  receiptAnswer,
  receiptParams,
  securityCardAnswer,
  tellerSessionAnswer,
  tellerTag,
  temporaryPasswordAnswer,
  unlockAnswer,
  withdrawalBody,
} from "./schemas.ts";

/** The error answers a route may give, for the OpenAPI description. */
function errors(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries([400, 401, 403, ...statuses].map((s) => [s, errorBody]));
}

function sessionAnswer(teller: Teller, csrfToken: string, expiresAt: Date) {
  return {
    kind: "teller" as const,
    tellerId: teller.tellerId,
    name: teller.name,
    role: teller.role,
    cooperative: teller.cooperative,
    branch: teller.branch,
    csrfToken,
    idleTimeoutSeconds: sessionIdleMs / 1000,
    expiresAt: expiresAt.toISOString(),
  };
}

export async function tellerRoutes(fastify: FastifyInstance, options: { app: App }): Promise<void> {
  const { app } = options;
  // Idempotent (the member API binds the same server); a Fastify helper despite its React-like name.
  // biome-ignore lint/correctness/useHookAtTopLevel: not a React hook
  useSessions(fastify, app);
  // Temporary passwords, OTP secrets, card codes and authorisation codes: never kept by a cache.
  fastify.addHook("onRequest", async (_request, reply) => {
    reply.header("cache-control", "no-store");
  });
  const f = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const desk = (auth: TellerAuth): DeskContext => ({
    bank: app.bank,
    ca: app.ca,
    teller: { cooperativeId: auth.cooperativeId, branchId: auth.branchId, tellerId: auth.tellerId },
  });
  const member = (params: { memberId: string }) => BigInt(params.memberId);

  f.post(
    "/api/teller/login",
    {
      schema: {
        tags: [tellerTag],
        summary: "Teller login (sets the geumgo_teller cookie)",
        body: loginBody,
        response: { 200: tellerSessionAnswer, ...errors(423, 429) },
      },
    },
    async (request, reply) => {
      const at = app.bank.clock.now();
      // The lock after 5 wrong passwords guards the password; these guard the CPU (scrypt).
      await rateLimit(app.db, reply, defaultRateRules, "loginPerAddress", `teller:${request.ip}`, at);
      await rateLimit(
        app.db,
        reply,
        defaultRateRules,
        "loginPerUser",
        `teller:${request.body.tellerId.toLowerCase()}`,
        at,
      );
      const teller = await authenticateTeller(
        app.db,
        {
          tellerId: request.body.tellerId,
          password: request.body.password,
          at,
          rrnIndexKey: app.bank.rrnKeys.index,
        },
        async (tx, outcome) => {
          if (!outcome.teller) return;
          await appendAudit(
            tx,
            {
              actor: tellerActor(outcome.teller.tellerId),
              action: outcome.ok ? "teller.login" : "teller.login_failed",
              details: outcome.ok
                ? { branchId: outcome.teller.branchId }
                : { branchId: outcome.teller.branchId, locked: outcome.locked },
            },
            at,
          );
        },
      );
      const s = await startSession(request, reply, {
        kind: "teller",
        cooperativeId: teller.cooperativeId,
        branchId: teller.branchId,
        tellerId: teller.tellerId,
      });
      return sessionAnswer(teller, s.csrfToken, s.expiresAt);
    },
  );

  f.post(
    "/api/teller/logout",
    { schema: { tags: [tellerTag], summary: "Teller logout", response: { 204: Type.Null(), ...errors() } } },
    async (request, reply) => {
      let auth: TellerAuth | undefined;
      try {
        auth = await requireTeller(request, { touch: false });
      } catch (e) {
        // A dead session is as good as ended; a live one without the CSRF header is not.
        if (!(e instanceof ServerError && e.code === "unauthenticated")) throw e;
      }
      if (auth) {
        const { tellerId, branchId } = auth;
        await app.db.transaction((tx) =>
          appendAudit(
            tx,
            { actor: tellerActor(tellerId), action: "teller.logout", details: { branchId } },
            app.bank.clock.now(),
          ),
        );
      }
      await endSession(request, reply, "teller");
      return reply.status(204).send(null);
    },
  );

  f.get(
    "/api/teller/session",
    {
      schema: {
        tags: [tellerTag],
        summary: "The signed-in teller (does not count as activity)",
        response: { 200: tellerSessionAnswer, ...errors() },
      },
    },
    async (request) => {
      const auth = await requireTeller(request, { touch: false });
      const teller = await getTeller(app.db, auth.cooperativeId, auth.tellerId);
      if (!teller) throw new ServerError("unauthenticated");
      return sessionAnswer(teller, auth.session.csrfToken, sessionExpiresAt(auth.session));
    },
  );

  f.post(
    "/api/teller/session/extend",
    {
      schema: {
        tags: [tellerTag],
        summary: "Restart the idle timer",
        response: { 200: extendAnswer, ...errors() },
      },
    },
    async (request) => {
      const auth = await requireTeller(request, { touch: "exact" });
      return { expiresAt: sessionExpiresAt(auth.session).toISOString() };
    },
  );

  f.post(
    "/api/teller/members/lookup",
    {
      schema: {
        tags: [tellerTag],
        summary: "Find a member of the teller's cooperative by name and resident registration number",
        body: lookupBody,
        response: { 200: memberView, ...errors(404, 409) },
      },
    },
    async (request) => lookupMember(desk(await requireTeller(request)), request.body),
  );

  f.post(
    "/api/teller/members",
    {
      schema: {
        tags: [tellerTag],
        summary: "Register a new member at the teller's branch",
        body: createMemberBody,
        response: { 201: memberView, ...errors(409) },
      },
    },
    async (request, reply) => {
      const view = await registerMember(desk(await requireTeller(request)), request.body);
      return reply.status(201).send(view);
    },
  );

  f.get(
    "/api/teller/members/:memberId",
    {
      schema: {
        tags: [tellerTag],
        summary: "A member of the teller's cooperative, with accounts and internet banking status",
        params: memberParams,
        response: { 200: memberView, ...errors(404) },
      },
    },
    async (request) => viewMember(desk(await requireTeller(request)), member(request.params)),
  );

  f.post(
    "/api/teller/members/:memberId/accounts",
    {
      schema: {
        tags: [tellerTag],
        summary: "Open a demand or savings account with its passbook PIN",
        params: memberParams,
        body: openAccountBody,
        response: { 201: memberView.properties.accounts.items, ...errors(404) },
      },
    },
    async (request, reply) => {
      const account = await openMemberAccount(
        desk(await requireTeller(request)),
        member(request.params),
        request.body,
      );
      return reply.status(201).send(account);
    },
  );

  f.post(
    "/api/teller/members/:memberId/enrolment",
    {
      schema: {
        tags: [tellerTag],
        summary: "Enrol for internet banking: the member's user ID and a temporary password (shown once)",
        params: memberParams,
        body: enrolmentBody,
        response: { 201: temporaryPasswordAnswer, ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      const slip = await enrolForInternetBanking(
        desk(await requireTeller(request)),
        member(request.params),
        request.body,
      );
      return reply.status(201).send(slip);
    },
  );

  f.post(
    "/api/teller/members/:memberId/otp",
    {
      schema: {
        tags: [tellerTag],
        summary: "Register an OTP device (replaces any medium); the secret is shown once",
        params: memberParams,
        response: { 201: otpAnswer, ...errors(404) },
      },
    },
    async (request, reply) => {
      const otp = await registerOtpDevice(desk(await requireTeller(request)), member(request.params));
      return reply.status(201).send(otp);
    },
  );

  f.post(
    "/api/teller/members/:memberId/security-card",
    {
      schema: {
        tags: [tellerTag],
        summary: "Hand out a security card (replaces any medium); its codes are shown once, to print",
        params: memberParams,
        response: { 201: securityCardAnswer, ...errors(404) },
      },
    },
    async (request, reply) => {
      const card = await handOutSecurityCard(desk(await requireTeller(request)), member(request.params));
      return reply.status(201).send(card);
    },
  );

  f.post(
    "/api/teller/members/:memberId/unlock",
    {
      schema: {
        tags: [tellerTag],
        summary: "Open a locked login and a locked security medium",
        params: memberParams,
        response: { 200: unlockAnswer, ...errors(404) },
      },
    },
    async (request) => unlockMember(desk(await requireTeller(request)), member(request.params)),
  );

  f.post(
    "/api/teller/members/:memberId/password-reset",
    {
      schema: {
        tags: [tellerTag],
        summary: "A new temporary password (shown once); the member must change it online again",
        params: memberParams,
        response: { 200: temporaryPasswordAnswer, ...errors(404, 409) },
      },
    },
    async (request) => resetPassword(desk(await requireTeller(request)), member(request.params)),
  );

  f.post(
    "/api/teller/members/:memberId/certificate-authorization",
    {
      schema: {
        tags: [tellerTag],
        summary: "Authorise a certificate issuance (branch, 14 days): reference number and code, to print",
        params: memberParams,
        body: certificateAuthorizationBody,
        response: { 201: certificateAuthorizationAnswer, ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      const a = await authorizeCertificate(
        desk(await requireTeller(request)),
        member(request.params),
        request.body,
      );
      return reply.status(201).send(a);
    },
  );

  // ---- transfer limits at the counter ----

  f.get(
    "/api/teller/members/:memberId/limits",
    {
      schema: {
        tags: [tellerTag],
        summary: "The member's transfer limits: medium, per transfer, per day, used today, the maximums",
        params: memberParams,
        response: { 200: branchLimitsAnswer, ...errors(404) },
      },
    },
    async (request) => viewLimits(desk(await requireTeller(request)), member(request.params)),
  );

  f.post(
    "/api/teller/members/:memberId/limits",
    {
      schema: {
        tags: [tellerTag],
        summary:
          "Set the member's transfer limits (ID checked, reason recorded, within the maximums); a raise above the cooperative's approval amount answers 202 and the request a manager decides",
        params: memberParams,
        body: changeLimitsBody,
        response: { 200: changeLimitsAnswer, 202: pendingApprovalAnswer, ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      const { idempotencyKey, ...body } = request.body;
      const answer = await changeLimitsWithApproval(
        desk(await requireTeller(request)),
        { ...body, memberId: member(request.params) },
        idempotencyKey,
      );
      // A raise above the cooperative's amount is held for a manager: nothing changed yet.
      if ("approval" in answer) return reply.status(202).send(answer);
      return answer;
    },
  );

  // ---- member details changed at the counter ----

  // The validator would make a JSON number into text (7 into the address "7"): refused instead.
  const textFields = async (request: { body: unknown }) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const reason = body.reason as Record<string, unknown> | undefined;
    const fields: [string, unknown][] = [
      ...["phone", "email", "address", "name"].map((k): [string, unknown] => [k, body[k]]),
      ["reason.reference", typeof reason === "object" && reason !== null ? reason.reference : undefined],
    ];
    for (const [field, value] of fields) {
      if (value !== undefined && typeof value !== "string") {
        throw new ServerError("validation", fieldLabel(field), { field: fieldLabel(field), rule: "string" });
      }
    }
  };

  f.post(
    "/api/teller/members/:memberId/details",
    {
      schema: {
        tags: [tellerTag],
        summary:
          "Change the member's phone, e-mail and/or address (ID checked); the member and the old contacts are told",
        params: memberParams,
        body: changeDetailsBody,
        response: { 200: detailsAnswer, ...errors(404, 409) },
      },
      preValidation: textFields,
    },
    async (request) =>
      changeMemberDetails(desk(await requireTeller(request)), member(request.params), request.body, {
        sender: messageSenderFor(app),
      }),
  );

  f.post(
    "/api/teller/members/:memberId/name",
    {
      schema: {
        tags: [tellerTag],
        summary: "Change the member's real name (개명) with its document and reference (ID checked)",
        params: memberParams,
        body: changeNameBody,
        response: { 200: detailsAnswer, ...errors(404, 409) },
      },
      preValidation: textFields,
    },
    async (request) =>
      changeMemberName(desk(await requireTeller(request)), member(request.params), request.body),
  );

  // ---- cash at the counter: the teller's drawer, deposits, withdrawals, receipts ----

  f.get(
    "/api/teller/cash/drawer",
    {
      schema: {
        tags: [tellerTag],
        summary: "The teller's drawer: its cash by the ledger, the day open (or today's), the day's postings",
        response: { 200: drawerAnswer, ...errors() },
      },
    },
    async (request) => drawerDay(desk(await requireTeller(request))),
  );

  f.post(
    "/api/teller/cash/drawer/open",
    {
      schema: {
        tags: [tellerTag],
        summary: "Open the drawer for today with the cash counted; a difference moves from or to the vault",
        body: drawerCountBody,
        response: { 201: drawerDayAnswer, ...errors(409) },
      },
    },
    async (request, reply) => {
      const day = await openDrawer(desk(await requireTeller(request)), request.body);
      return reply.status(201).send(day);
    },
  );

  f.post(
    "/api/teller/cash/drawer/close",
    {
      schema: {
        tags: [tellerTag],
        summary: "Close the drawer with the cash counted; the difference is posted to over/short",
        body: drawerCountBody,
        response: { 200: drawerDayAnswer, ...errors(409) },
      },
    },
    async (request) => closeDrawer(desk(await requireTeller(request)), request.body),
  );

  f.post(
    "/api/teller/cash/deposits",
    {
      schema: {
        tags: [tellerTag],
        summary: "A cash deposit to a member's account of the cooperative, with its receipt",
        body: depositBody,
        response: { 201: cashAnswer, ...errors(404, 409) },
      },
    },
    async (request, reply) => {
      const answer = await cashDeposit(desk(await requireTeller(request)), request.body);
      if (answer.replayed) reply.header("idempotent-replayed", "true");
      return reply.status(201).send(answer);
    },
  );

  f.post(
    "/api/teller/cash/withdrawals",
    {
      schema: {
        tags: [tellerTag],
        summary:
          "A cash withdrawal by the holder (ID checked, passbook PIN), with its receipt; above the cooperative's approval amount, 202 and the request a manager decides",
        body: withdrawalBody,
        response: { 201: cashAnswer, 202: pendingApprovalAnswer, ...errors(404, 409, 423) },
      },
    },
    async (request, reply) => {
      const answer = await cashWithdrawal(desk(await requireTeller(request)), request.body).catch(
        (e: unknown) => {
          // A duplicate of a withdrawal still running: ask again under the same key for its receipt.
          if (isBankError(e, "transfer_in_progress")) reply.header("retry-after", "1");
          throw e;
        },
      );
      // Held for a manager: nothing moved; the console polls the request for the outcome.
      if ("approval" in answer) return reply.status(202).send(answer);
      if (answer.replayed) reply.header("idempotent-replayed", "true");
      return reply.status(201).send(answer);
    },
  );

  f.get(
    "/api/teller/cash/receipts/:number",
    {
      schema: {
        tags: [tellerTag],
        summary: "A cash receipt the teller's branch wrote today, to print again",
        params: receiptParams,
        response: { 200: receiptAnswer, ...errors(403, 404, 409) },
      },
    },
    async (request) => reprintReceipt(desk(await requireTeller(request)), request.params.number),
  );

  // ---- closing an account at the counter ----

  f.post(
    "/api/teller/members/:memberId/accounts/:number/close",
    {
      schema: {
        tags: [tellerTag],
        summary:
          "Close a member's account (ID checked, passbook PIN): the balance paid in cash or moved to another of their accounts",
        params: closeAccountParams,
        body: closeAccountBody,
        response: { 200: closingAnswer, ...errors(404, 409, 423) },
      },
    },
    async (request, reply) => {
      const { payout } = request.body;
      // A transfer names its target; cash names none.
      if ((payout.kind === "transfer") !== (payout.to !== undefined)) {
        const rule = payout.kind === "transfer" ? "required" : "forbidden";
        throw new ServerError("validation", "payout.to", { field: "payout.to", rule });
      }
      const answer = await closeAccount(desk(await requireTeller(request)), member(request.params), {
        ...request.body,
        payout: payout.kind === "cash" ? { kind: "cash" } : { kind: "transfer", to: payout.to ?? "" },
        account: request.params.number,
      }).catch((e: unknown) => {
        // A duplicate of a closing still running: ask again under the same key for its answer.
        if (isBankError(e, "transfer_in_progress")) reply.header("retry-after", "1");
        throw e;
      });
      if (answer.replayed) reply.header("idempotent-replayed", "true");
      return answer;
    },
  );
  // ---- ending internet banking (인터넷뱅킹 해지) ----

  f.post(
    "/api/teller/members/:memberId/internet-banking/end",
    {
      schema: {
        tags: [tellerTag],
        summary:
          "End the member's internet banking (ID checked): sessions ended, certificates revoked, unused issuance codes and held fees ended, the user ID removed",
        params: memberParams,
        body: endInternetBankingBody,
        response: { 200: endInternetBankingAnswer, ...errors(404, 409) },
      },
    },
    async (request) => {
      const answer = await endInternetBanking(
        desk(await requireTeller(request)),
        member(request.params),
        request.body,
        {
          sender: messageSenderFor(app),
        },
      );
      if (!answer.statusPublished)
        request.log.warn("revocation status not published after ending internet banking");
      return answer;
    },
  );

  // ---- maker-checker: requests waiting for a manager (책임자) of the branch ----

  f.get(
    "/api/teller/approvals",
    {
      schema: {
        tags: [tellerTag],
        summary: "The branch's requests waiting for a decision (managers only), oldest first",
        response: { 200: approvalListAnswer, ...errors() },
      },
    },
    async (request) => ({ approvals: await pendingApprovals(desk(await requireTeller(request))) }),
  );

  f.get(
    "/api/teller/approvals/:id",
    {
      schema: {
        tags: [tellerTag],
        summary: "One request of the branch: the maker polls it for the outcome (and the receipt)",
        params: approvalParams,
        response: { 200: approvalAnswer, ...errors(404) },
      },
    },
    async (request) => getApproval(desk(await requireTeller(request)), BigInt(request.params.id)),
  );

  for (const decision of ["approve", "reject"] as const) {
    f.post(
      `/api/teller/approvals/:id/${decision}`,
      {
        schema: {
          tags: [tellerTag],
          summary:
            decision === "approve"
              ? "Approve a colleague's request (managers only): it is carried out now"
              : "Reject a colleague's request (managers only): nothing moves",
          params: approvalParams,
          response: { 200: approvalAnswer, ...errors(404, 409) },
        },
      },
      async (request) =>
        decideApproval(
          desk(await requireTeller(request)),
          BigInt(request.params.id),
          decision,
          approvalAppliers,
        ),
    );
  }
}
