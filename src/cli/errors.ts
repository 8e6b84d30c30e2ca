// Errors the command line itself raises (files, usage), beside the PKI library's own codes.

export const cliErrorCodes = [
  "file_not_found",
  "file_exists",
  "not_npki_folder",
  "password_required",
  "passwords_differ",
  "pkcs12_without_key",
  "usage",
  "audit_broken",
] as const;

export type CliErrorCode = (typeof cliErrorCodes)[number];

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
