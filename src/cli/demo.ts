// `geumgo demo …`: helpers for trying the demo cooperative. `demo otp <userId>` prints the member's
// current OTP code (RFC 6238), standing in for the device the member would hold. It reads the
// sealed secret, so it refuses a production install (NODE_ENV=production).
import type { Command } from "commander";
import { findUser } from "../auth/users.ts";
import { BankError } from "../bank/errors.ts";
import { unseal } from "../bank/seal.ts";
import { totpCode, totpStepSeconds } from "../bank/totp.ts";
import { CertcenterError } from "../certcenter/errors.ts";
import type { App } from "../server/context.ts";
import { ServerError } from "../server/errors.ts";
import { type OperationArgs, stringArg } from "../server/operation-args.ts";
import { runOperation } from "./operation-client.ts";
import type { Output } from "./output.ts";

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
  if (medium?.kind !== "otp") throw new BankError("media_not_registered");
  const secret = unseal(app.bank.rrnKeys.encryption, "medium:otp", medium.secret_sealed);
  const now = app.bank.clock.now();
  const stepMs = totpStepSeconds * 1000;
  return {
    userId: user.userId,
    code: totpCode(secret, now),
    validForSeconds: Math.ceil((stepMs - (now.getTime() % stepMs)) / 1000),
  };
}

export function registerDemoCommands(program: Command, out: Output): void {
  const demo = program.command("demo").description("try the demo cooperative / 데모 금고 체험");
  demo
    .command("otp")
    .description("print a member's current OTP code (demo installs only)")
    .argument("<userId>", "the member's internet banking user ID, e.g. hong")
    .option("--json", "machine-readable output")
    .action(async (userId: string, opts: { json?: boolean }) => {
      const r = (await runOperation("demo.otp", { user: userId }, out)) as DemoOtp;
      const result: DemoOtp = { userId: r.userId, code: r.code, validForSeconds: r.validForSeconds };
      if (opts.json) {
        out.json(result);
        return;
      }
      // The code alone on the first line, so that $(geumgo demo otp hong | head -1) is the code.
      out.line(result.code);
      out.line(
        out.t(
          `${result.userId}의 OTP 번호, ${result.validForSeconds}초 동안 유효`,
          `${result.userId}'s OTP code, good for ${result.validForSeconds} more seconds`,
        ),
      );
    });
}
