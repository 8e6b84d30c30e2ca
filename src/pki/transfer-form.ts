// The canonical form of a member's transfer (DESIGN §5 "Transfer signatures"): the exact bytes the
// member's certificate signs as CMS SignedData (cms.ts, detached) and the server rebuilds from the
// request to check that signature. Browser and server build it with this one function, so the two
// can never disagree on a byte.
//
// The format, fixed (also in docs/api.md, "Transfer signatures"):
//   UTF-8 JSON of one object with exactly these seven members, keys sorted by UTF-16 code units
//   (amount, from, idempotencyKey, memo, nonce, time, to), no whitespace anywhere:
//     amount          positive whole won as a decimal string, no sign, no leading zero ("30000")
//     from, to        the withdrawal and deposit account numbers, 13 digits, no dashes
//     idempotencyKey  the transfer form's idempotency key, [A-Za-z0-9_-]{8,100}
//     memo            what the recipient's passbook shows (1–20 characters), or JSON null
//     nonce           the server's signatureNonce from GET /api/transfers/challenge (base64url)
//     time            when the member signed, ISO 8601 UTC to the second: "2026-11-25T03:00:00Z"
//   Strings are written as ECMAScript's JSON.stringify writes them (only ", \ and control
//   characters escaped; other characters as themselves in UTF-8). With no numbers in it, this is
//   also the form RFC 8785 (JSON Canonicalization Scheme) gives the same object.
// Example (one line, no newline at the end):
//   {"amount":"30000","from":"9002000010003","idempotencyKey":"form-0001","memo":null,
//    "nonce":"AAAAAAAAAAAAAAAAAAAAAA","time":"2026-11-25T03:00:00Z","to":"9003000010009"}
import { utf8 } from "./bytes.ts";
import { PkiError } from "./errors.ts";

export interface TransferFormInput {
  /** Withdrawal account, 13 digits. */
  from: string;
  /** Deposit account, 13 digits. */
  to: string;
  /** Whole won as a decimal string. */
  amount: string;
  memo: string | null;
  /** ISO 8601 UTC to the second ("2026-11-25T03:00:00Z"); `transferFormTime` makes one from a Date. */
  time: string;
  idempotencyKey: string;
  /** The server's signature nonce, base64url as the challenge gave it. */
  nonce: string;
}

const accountNumber = /^[0-9]{13}$/;
const amount = /^[1-9][0-9]{0,15}$/;
const idempotencyKey = /^[A-Za-z0-9_-]{8,100}$/;
// At least 128 bits (22 base64url characters), at most what a sane server sends.
const nonce = /^[A-Za-z0-9_-]{22,128}$/;
const time = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$/;
// The passbook's own rule (src/server/input-rules.ts "passbook-text") is the server's to apply;
// here only what would make the bytes ambiguous: no control or unpaired surrogate characters.
const memoLengthMax = 20;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function refuse(field: string, why: string): never {
  throw new PkiError("bad_transfer_form", `transfer form: ${field} ${why}`);
}

function checkString(value: unknown, field: string): string {
  if (typeof value !== "string") refuse(field, "must be a string");
  return value;
}

/** A Date as the form writes it: UTC, to the second (milliseconds dropped, not rounded). */
export function transferFormTime(date: Date): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) refuse("time", "is not a valid date");
  return new Date(ms - (((ms % 1000) + 1000) % 1000)).toISOString().replace(/\.000Z$/, "Z");
}

/** The form's time as a Date; bad_transfer_form unless it is exactly the form's format. */
export function parseTransferFormTime(text: string): Date {
  if (!time.test(text)) refuse("time", "must be ISO 8601 UTC to the second, like 2026-11-25T03:00:00Z");
  const date = new Date(text);
  // A day or hour out of range (2026-02-30, 24:00:00) does not come back as itself.
  if (!Number.isFinite(date.getTime()) || transferFormTime(date) !== text)
    refuse("time", "is not a real instant");
  return date;
}

/**
 * The canonical form's bytes. Every field is checked, and none is altered: a value that is not
 * already in its canonical spelling (an account number with dashes, "030000" won, a time with
 * milliseconds) is refused with PkiError "bad_transfer_form", so that what was signed is what was
 * meant. Members other than the seven are refused too.
 */
export function buildTransferForm(input: TransferFormInput): Uint8Array<ArrayBuffer> {
  const extra = Object.keys(input).filter((k) => !fieldNames.includes(k));
  if (extra.length > 0) refuse(extra[0]!, "is not a field of the form");
  const from = checkString(input.from, "from");
  if (!accountNumber.test(from)) refuse("from", "must be 13 digits");
  const to = checkString(input.to, "to");
  if (!accountNumber.test(to)) refuse("to", "must be 13 digits");
  const won = checkString(input.amount, "amount");
  if (!amount.test(won)) refuse("amount", "must be a positive decimal number of won without leading zeros");
  const key = checkString(input.idempotencyKey, "idempotencyKey");
  if (!idempotencyKey.test(key)) refuse("idempotencyKey", "must be 8 to 100 of A-Z a-z 0-9 _ -");
  const n = checkString(input.nonce, "nonce");
  if (!nonce.test(n)) refuse("nonce", "must be base64url of at least 128 bits");
  const when = checkString(input.time, "time");
  parseTransferFormTime(when);
  const memo = input.memo;
  if (memo !== null) {
    checkString(memo, "memo");
    if (memo.length === 0 || [...memo].length > memoLengthMax)
      refuse("memo", "must be 1 to 20 characters, or null");
    if (controlCharacter.test(memo) || loneSurrogate.test(memo))
      refuse("memo", "has a control or unpaired character");
  }
  // Written member by member in sorted order: no reliance on an engine's key order.
  const json =
    `{"amount":${JSON.stringify(won)},"from":${JSON.stringify(from)},` +
    `"idempotencyKey":${JSON.stringify(key)},"memo":${memo === null ? "null" : JSON.stringify(memo)},` +
    `"nonce":${JSON.stringify(n)},"time":${JSON.stringify(when)},"to":${JSON.stringify(to)}}`;
  return utf8(json);
}

const fieldNames: readonly string[] = ["amount", "from", "idempotencyKey", "memo", "nonce", "time", "to"];
