// `geumgo demo …`: helpers for trying the demo cooperative. `demo otp <userId>` prints the member's
// current OTP code (RFC 6238), standing in for the device the member would hold. It reads the
// sealed secret, so it refuses a production install (NODE_ENV=production).
import type { Command } from "commander";
import type { DemoOtp } from "../server/demo-operations.ts";
import { runOperation } from "./operation-client.ts";
import type { Output } from "./output.ts";

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
