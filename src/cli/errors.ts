// Errors the command line itself raises (files, usage), beside the PKI library's own codes; the
// codes and their words live in src/messages/cli.ts.
import type { CliErrorCode } from "../messages/cli.ts";

export { type CliErrorCode, cliErrorCodes } from "../messages/cli.ts";

export class CliError extends Error {
  override readonly name = "CliError";
  readonly code: CliErrorCode;
  /** What the message names: a path, usually. */
  readonly subject: string | undefined;

  constructor(code: CliErrorCode, subject?: string) {
    super(subject ? `${code}: ${subject}` : code);
    this.code = code;
    this.subject = subject;
  }
}
