// The arguments of an operator command (src/server/operations.ts) as the command line gives them,
// and their checks: every operation reads its arguments through these, on either path.
import { ServerError } from "./errors.ts";

/** Arguments as the command line gives them: option values and flags. */
export type OperationArgs = Record<string, string | boolean>;

export function stringArg(args: OperationArgs, name: string, pattern?: RegExp): string {
  const v = args[name];
  if (typeof v !== "string" || v === "" || v.length > 200 || (pattern && !pattern.test(v))) {
    throw new ServerError("bad_argument", `--${name}`);
  }
  return v;
}

export function choiceArg<T extends string>(args: OperationArgs, name: string, choices: readonly T[]): T {
  const v = stringArg(args, name);
  if (!(choices as readonly string[]).includes(v)) {
    throw new ServerError("bad_argument", `--${name} ${choices.join(" | ")}`);
  }
  return v as T;
}

/**
 * The named text arguments, and nothing else: in particular no `actor`, which the operation takes
 * from operatorActor() rather than from the caller.
 */
export function textArgs(args: OperationArgs, names: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const n of names) {
    const v = args[n];
    if (typeof v === "string") picked[n] = v;
  }
  return picked;
}
