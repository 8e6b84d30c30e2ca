// `geumgo demo otp` as an operation (src/server/operations.ts): a demo member's current OTP code
// (RFC 6238), standing in for the device the member would hold. It reads the sealed secret, so it
// refuses a production install (NODE_ENV=production).
import { findUser } from "../auth/users.ts";
import { BankError } from "../bank/errors.ts";
import { unseal } from "../bank/seal.ts";
import { totpCode, totpStepSeconds } from "../bank/totp.ts";
import { CertcenterError } from "../certcenter/errors.ts";
import type { App } from "./context.ts";
import { ServerError } from "./errors.ts";
import { type OperationArgs, stringArg } from "./operation-args.ts";

export interface DemoOtp {
  userId: string;
  code: string;
  /** Seconds until the code's 30-second step ends. */
  validForSeconds: number;
}

/** The `demo.otp` operation: the code the member's OTP device shows now (by the server's clock). */
export async function demoOtpOperation(app: App, args: OperationArgs): Promise<DemoOtp> {
  if (app.config.production) throw new ServerError("demo_only");
  const user = await findUser(app.db, stringArg(args, "user", /^[A-Za-z0-9]{1,40}$/));
  if (!user) throw new CertcenterError("user_unknown");
  const { rows } = await app.db.query<{ kind: string; secret_sealed: Uint8Array }>(
    "SELECT kind, secret_sealed FROM security_media WHERE cooperative_id = $1 AND member_id = $2",
    [user.cooperativeId, user.memberId],
  );
  const medium = rows[0];
  if (medium?.kind !== "otp") throw new BankError("medium_not_registered");
  const secret = unseal(app.bank.rrnKeys.encryption, "medium:otp", medium.secret_sealed);
  const now = app.bank.clock.now();
  const stepMs = totpStepSeconds * 1000;
  return {
    userId: user.userId,
    code: totpCode(secret, now),
    validForSeconds: Math.ceil((stepMs - (now.getTime() % stepMs)) / 1000),
  };
}
