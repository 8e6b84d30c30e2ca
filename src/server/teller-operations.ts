// The administrator's teller commands as operations (src/server/operations.ts): add a teller (or a
// manager, 책임자) at a branch, open a locked teller login, list the tellers, set a cooperative's
// maker-checker amounts. Each change is audited with the operator as
// actor, in the transaction that makes it; passwords never reach the audit log or any log.

import { appendAudit } from "../audit/audit-log.ts";
import { TellerError } from "../auth/teller-errors.ts";
import { branchIdByCode, createTeller, listTellers, tellerRoles, unlockTeller } from "../auth/tellers.ts";
import { findCooperativeByCode } from "../bank/federation.ts";
import { setBranchRules } from "../branch/branch-rules.ts";
import { tellerActor } from "../branch/desk.ts";
import type { App } from "./context.ts";
import { ServerError } from "./errors.ts";
import { choiceArg, type OperationArgs, stringArg } from "./operation-args.ts";

const cooperativeCode = /^[0-9]{4}$/;
const branchCode = /^[0-9]{3}$/;

export async function addTellerOperation(app: App, args: OperationArgs, actor: string) {
  const cooperative = await findCooperativeByCode(app.db, stringArg(args, "cooperative", cooperativeCode));
  const branch = stringArg(args, "branch", branchCode);
  const branchId = await branchIdByCode(app.db, cooperative.id, branch);
  const tellerId = stringArg(args, "id");
  const name = stringArg(args, "name").trim();
  if (name === "") throw new ServerError("bad_argument", "--name");
  const role = args.role === undefined ? "teller" : choiceArg(args, "role", tellerRoles);
  const at = app.bank.clock.now();
  await app.db.transaction(async (tx) => {
    await createTeller(tx, {
      cooperativeId: cooperative.id,
      branchId,
      tellerId,
      name,
      password: stringArg(args, "password"),
      role,
      at,
    });
    await appendAudit(
      tx,
      {
        actor,
        action: "teller.create",
        subject: tellerActor(tellerId),
        details: { cooperative: cooperative.code, branch, role },
      },
      at,
    );
  });
  return { cooperative: cooperative.code, branch, tellerId, name, role };
}

export async function unlockTellerOperation(app: App, args: OperationArgs, actor: string) {
  const cooperative = await findCooperativeByCode(app.db, stringArg(args, "cooperative", cooperativeCode));
  const tellerId = stringArg(args, "id");
  const at = app.bank.clock.now();
  await app.db.transaction(async (tx) => {
    if (!(await unlockTeller(tx, cooperative.id, tellerId))) throw new TellerError("teller_not_found");
    await appendAudit(
      tx,
      {
        actor,
        action: "teller.unlock",
        subject: tellerActor(tellerId),
        details: { cooperative: cooperative.code },
      },
      at,
    );
  });
  return { cooperative: cooperative.code, tellerId, locked: false };
}

export async function listTellersOperation(app: App, args: OperationArgs) {
  const cooperative =
    args.cooperative === undefined
      ? undefined
      : await findCooperativeByCode(app.db, stringArg(args, "cooperative", cooperativeCode));
  const tellers = await listTellers(app.db, cooperative?.id);
  return {
    tellers: tellers.map((t) => ({
      cooperative: t.cooperative.code,
      branch: t.branch.code,
      branchName: t.branch.name,
      tellerId: t.tellerId,
      name: t.name,
      role: t.role,
      locked: t.locked,
      lastLoginAt: t.lastLoginAt?.toISOString() ?? null,
    })),
  };
}

export type TellerListJson = Awaited<ReturnType<typeof listTellersOperation>>;

/** Whole won, zero or more, as an operator types it. */
const wonArg = (args: OperationArgs, name: string) => BigInt(stringArg(args, name, /^[0-9]{1,15}$/));

export async function setBranchRulesOperation(app: App, args: OperationArgs, actor: string) {
  const cooperative = await findCooperativeByCode(app.db, stringArg(args, "cooperative", cooperativeCode));
  const change = {
    ...(args["withdrawal-above"] === undefined
      ? {}
      : { withdrawalApprovalAbove: wonArg(args, "withdrawal-above") }),
    ...(args["limit-above"] === undefined ? {} : { limitApprovalAbove: wonArg(args, "limit-above") }),
  };
  const at = app.bank.clock.now();
  const rules = await app.db.transaction(async (tx) => {
    const next = await setBranchRules(tx, cooperative.id, change, at);
    await appendAudit(
      tx,
      {
        actor,
        action: "teller.rules",
        subject: `cooperative:${cooperative.code}`,
        details: {
          withdrawalApprovalAbove: next.withdrawalApprovalAbove.toString(),
          limitApprovalAbove: next.limitApprovalAbove.toString(),
        },
      },
      at,
    );
    return next;
  });
  return {
    cooperative: cooperative.code,
    withdrawalApprovalAbove: rules.withdrawalApprovalAbove.toString(),
    limitApprovalAbove: rules.limitApprovalAbove.toString(),
  };
}
