// Operator commands as named operations on an open App, so that one function serves both paths:
// the CLI runs it directly on the database, or (PGlite with a server running) the server runs it
// for the CLI at POST /admin/operations/:name. To add one, add an entry to `operations`.
import { userInfo } from "node:os";
import { verifyAudit } from "../audit/audit-log.ts";
import { activeCaKeys, CaError } from "../ca/ca-keys.ts";
import { authorizeForUser } from "../certcenter/authorize.ts";
import { toPem } from "../pki/bytes.ts";
import {
  crlOperation,
  holdOperation,
  refusalsOperation,
  releaseOperation,
  revokeOperation,
  rotateOcspSignerOperation,
} from "./ca-operations.ts";
import type { App } from "./context.ts";
import { demoOtpOperation } from "./demo-operations.ts";
import { ServerError } from "./errors.ts";
import { choiceArg, type OperationArgs, stringArg, textArgs } from "./operation-args.ts";
import {
  addTellerOperation,
  listTellersOperation,
  setBranchRulesOperation,
  unlockTellerOperation,
} from "./teller-operations.ts";
import { transferSignatureOperation } from "./transfer-signature-operations.ts";

export type { OperationArgs } from "./operation-args.ts";

export interface Operation {
  name: string;
  /** Returns a JSON value (no bigint, no Date: the answer may travel over HTTP). */
  run(app: App, args: OperationArgs): Promise<unknown>;
}

/**
 * Who did it, for the audit log. A remote call comes from whoever can read the 0600 server.json,
 * which is the server's own user (or root), so the server names its own user as a local run does.
 */
export function operatorActor(): string {
  return `operator:${userInfo().username}`;
}

export const operations: readonly Operation[] = [
  {
    name: "ra.authorize",
    async run(app, args) {
      const a = await authorizeForUser(
        { bank: app.bank, ca: app.ca },
        {
          userId: stringArg(args, "user", /^[A-Za-z0-9]{1,40}$/),
          purpose: choiceArg(args, "purpose", ["bank", "universal"] as const),
          channel: "branch",
          actor: operatorActor(),
          reissue:
            args.reissue === undefined
              ? undefined
              : choiceArg(args, "reissue", ["lost", "damaged", "forgotten"] as const),
        },
      );
      return {
        referenceNumber: a.referenceNumber,
        authorizationCode: a.authorizationCode,
        expiresAt: a.expiresAt.toISOString(),
      };
    },
  },
  // The revocation operations (src/server/ca-operations.ts: one parse of serial and reason for both paths).
  {
    name: "ca.revoke",
    run: (app, args) => revokeOperation(app.ca, textArgs(args, ["serial", "reason"]), operatorActor()),
  },
  { name: "ca.hold", run: (app, args) => holdOperation(app.ca, textArgs(args, ["serial"]), operatorActor()) },
  {
    name: "ca.release",
    run: (app, args) => releaseOperation(app.ca, textArgs(args, ["serial"]), operatorActor()),
  },
  { name: "ca.crl", run: (app) => crlOperation(app.ca) },
  { name: "ca.rotate-ocsp-signer", run: (app) => rotateOcspSignerOperation(app.ca, operatorActor()) },
  { name: "ca.refusals", run: (app, args) => refusalsOperation(app.ca, textArgs(args, ["minutes"])) },
  {
    name: "ca.chain",
    async run(app) {
      const keys = await activeCaKeys(app.db);
      if (keys.length === 0) throw new CaError("ca_missing");
      return { certificates: keys.map((k) => toPem("CERTIFICATE", k.certificate)) };
    },
  },
  { name: "teller.add", run: (app, args) => addTellerOperation(app, args, operatorActor()) },
  { name: "teller.unlock", run: (app, args) => unlockTellerOperation(app, args, operatorActor()) },
  { name: "teller.list", run: (app, args) => listTellersOperation(app, args) },
  { name: "teller.rules", run: (app, args) => setBranchRulesOperation(app, args, operatorActor()) },
  // `geumgo demo otp <userId>`: the demo member's current OTP code (refused in production).
  { name: "demo.otp", run: (app, args) => demoOtpOperation(app, textArgs(args, ["user"])) },
  {
    name: "audit.verify",
    async run(app) {
      const result = await verifyAudit(app.db);
      return result.ok ? result : { ...result, seq: String(result.seq) };
    },
  },
  // `geumgo audit transfer-signature`: a transfer's signature, its signed form and the CA chain.
  { name: "audit.transfer-signature", run: transferSignatureOperation },
];

const byName = new Map(operations.map((o) => [o.name, o]));

export function findOperation(name: string): Operation {
  const op = byName.get(name);
  if (!op) throw new ServerError("unknown_operation", name.slice(0, 60));
  return op;
}
