// What a request's values may hold, as pure checks: no control characters anywhere (PostgreSQL
// refuses NUL in text, and nothing else of C0/C1 belongs in a form field), no invisible or bidi
// format characters in text shown to people, only what a passbook printer prints on a passbook,
// ids within PostgreSQL's bigint, days within a sane range. The server's schemas name the last
// four as formats (inputFormats) and src/server/input-guard.ts applies the first to every string.

/** Every string of every request: C0, DEL, C1, and a UTF-16 half that UTF-8 cannot carry. */
const controlCharacter = /[\p{Cc}\p{Cs}]/u;
/** Text shown to people: also format (bidi overrides, zero-width), private-use and unassigned ones. */
const invisibleCharacter = /[\p{C}\p{Zl}\p{Zp}]/u;

/** "U+0000" for the first code point at `index`. */
function codePointLabel(s: string, index: number): string {
  return `U+${(s.codePointAt(index) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** The first control character of a string, as "U+0000"; undefined when there is none. */
export function controlCharacterIn(s: string): string | undefined {
  const m = controlCharacter.exec(s);
  return m ? codePointLabel(s, m.index) : undefined;
}

/** Text that displays as what it is: no control, format (U+202E, U+200B, U+FEFF …) or unassigned character. */
export function isDisplayText(s: string): boolean {
  return !invisibleCharacter.test(s);
}

/**
 * The Hangul syllables of KS X 1001 (완성형, 2,350 of them), which every passbook printer prints;
 * the other 8,822 modern syllables many do not. Read from the EUC-KR table rather than written out.
 */
const kscHangul: ReadonlySet<number> = (() => {
  const decoder = new TextDecoder("euc-kr", { fatal: true });
  const out = new Set<number>();
  for (let lead = 0xb0; lead <= 0xc8; lead++)
    for (let trail = 0xa1; trail <= 0xfe; trail++)
      out.add(decoder.decode(new Uint8Array([lead, trail])).codePointAt(0)!);
  return out;
})();

/** ASCII letters, digits, space and the few marks a memo needs. */
const passbookAscii = /^[A-Za-z0-9 \-_.,()/&':#*!?]$/;

/** One character a passbook printer prints: the ASCII above, KS X 1001 Hangul, modern jamo (ㄱ…ㅣ). */
function printsOnPassbook(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x80) return passbookAscii.test(ch);
  return kscHangul.has(cp) || (cp >= 0x3131 && cp <= 0x3163);
}

/** Text for a passbook line (받는 분 통장 표시): every character printable there, no emoji. */
export function isPassbookText(s: string): boolean {
  for (const ch of s) if (!printsOnPassbook(ch)) return false;
  return true;
}

/** PostgreSQL's bigint: ids and cursors are 1 … 2^63 − 1. */
export const idMax = 2n ** 63n - 1n;

/** A decimal id PostgreSQL can hold: 1 … 2^63 − 1, no sign, no leading zero. */
export function isDecimalId(s: string): boolean {
  return /^[1-9][0-9]{0,18}$/.test(s) && BigInt(s) <= idMax;
}

/** The days a request may name: banking history is not older than 1900, nor planned past 2999. */
export const dayMin = "1900-01-01";
export const dayMax = "2999-12-31";

/** A real calendar day, YYYY-MM-DD, within dayMin … dayMax. */
export function isDay(s: string): boolean {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(s) || s < dayMin || s > dayMax) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The formats our schemas use, for the schema compiler (Ajv) of src/server/app.ts. */
export const inputFormats = {
  "decimal-id": { type: "string", validate: isDecimalId },
  day: { type: "string", validate: isDay },
  "display-text": { type: "string", validate: isDisplayText },
  "passbook-text": { type: "string", validate: isPassbookText },
} as const;

export type InputFormat = keyof typeof inputFormats;

/** Fastify's `ajv` option that teaches the schema compiler these formats (any instance serving our routes). */
export const schemaCompilerOptions = { customOptions: { formats: inputFormats } };

/** Deeper than this is no body of ours; the nesting is counted before anything parses or walks it. */
export const jsonDepthMax = 16;

/**
 * True when JSON text nests arrays and objects deeper than `max`: one pass over the characters,
 * skipping strings, with a counter and no recursion, so any body can be measured.
 */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** A field's name as a message may show it: caller-chosen keys lose their invisible characters. */
export function fieldLabel(name: string): string {
  const shown = name.replace(new RegExp(invisibleCharacter.source, "gu"), (ch) => codePointLabel(ch, 0));
  return shown.length > 64 ? `${shown.slice(0, 64)}…` : shown;
}
