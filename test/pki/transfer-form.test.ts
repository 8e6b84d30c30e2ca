// The transfer's canonical form: fixed vectors byte for byte (the format docs/api.md promises), the
// same bytes whatever order the input's members come in, and every non-canonical spelling refused.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../../src/pki/bytes.ts";
import { isPkiError } from "../../src/pki/errors.ts";
import {
  buildTransferForm,
  parseTransferFormTime,
  type TransferFormInput,
  transferFormTime,
} from "../../src/pki/transfer-form.ts";

const base: TransferFormInput = {
  from: "9002000010003",
  to: "9003000010009",
  amount: "30000",
  memo: null,
  time: "2026-11-25T03:00:00Z",
  idempotencyKey: "form-0001",
  nonce: "AAAAAAAAAAAAAAAAAAAAAA",
};

describe("the transfer's canonical form", () => {
  it("is the documented bytes: sorted keys, no spaces, null memo", () => {
    const bytes = buildTransferForm(base);
    expect(new TextDecoder().decode(bytes)).toBe(
      '{"amount":"30000","from":"9002000010003","idempotencyKey":"form-0001","memo":null,' +
        '"nonce":"AAAAAAAAAAAAAAAAAAAAAA","time":"2026-11-25T03:00:00Z","to":"9003000010009"}',
    );
    expect(bytes.length).toBe(166);
  });

  it("writes a Korean memo as UTF-8 and escapes only what JSON must", () => {
    const bytes = buildTransferForm({ ...base, memo: "모임회비", nonce: "q8J5z3b-Vw_0RkM2n1YtXa" });
    // "모임회비" is EB AA A8 EC 9E 84 ED 9A 8C EB B9 84 in UTF-8.
    expect(toHex(bytes)).toBe(
      toHex(
        new TextEncoder().encode(
          '{"amount":"30000","from":"9002000010003","idempotencyKey":"form-0001","memo":"',
        ),
      ) +
        "ebaaa8ec9e84ed9a8cebb984" +
        toHex(
          new TextEncoder().encode(
            '","nonce":"q8J5z3b-Vw_0RkM2n1YtXa","time":"2026-11-25T03:00:00Z","to":"9003000010009"}',
          ),
        ),
    );
    const quoted = new TextDecoder().decode(buildTransferForm({ ...base, memo: 'a"b\\c' }));
    expect(quoted).toContain(String.raw`"memo":"a\"b\\c"`);
  });

  it("gives the same bytes whatever order the members come in", () => {
    const entries = Object.entries(base);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }),
        fc.option(fc.string({ minLength: 1, maxLength: 20, unit: "grapheme" }), { nil: null }),
        fc.integer({ min: 1, max: 1e15 }),
        (shuffled, memo, won) => {
          const ordered = { ...base, memo, amount: String(won) };
          let same: TransferFormInput;
          try {
            buildTransferForm(ordered);
          } catch (e) {
            // A memo with control characters is refused either way; that is checked below.
            expect(isPkiError(e, "bad_transfer_form")).toBe(true);
            return;
          }
          same = Object.fromEntries(shuffled) as unknown as TransferFormInput;
          same = { ...same, memo, amount: String(won) };
          const a = buildTransferForm(ordered);
          const b = buildTransferForm(same);
          expect(toHex(b)).toBe(toHex(a));
          // What it is: JSON that parses back to the input, keys sorted, no whitespace outside strings.
          const text = new TextDecoder().decode(a);
          const parsed = JSON.parse(text) as Record<string, unknown>;
          expect(Object.keys(parsed)).toEqual([...Object.keys(parsed)].sort());
          expect(parsed).toEqual({ ...base, memo, amount: String(won) });
          expect(JSON.stringify(parsed)).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses every spelling that is not the canonical one", () => {
    const bad: Partial<Record<keyof TransferFormInput, unknown>>[] = [
      { from: "9002-0000-1000-3" },
      { to: "900300001000" },
      { amount: "030000" },
      { amount: "0" },
      { amount: "-5" },
      { amount: "1.5" },
      { amount: 30000 },
      { memo: "" },
      { memo: "가".repeat(21) },
      { memo: "a\nb" },
      { memo: "\ud800" },
      { time: "2026-11-25T03:00:00.000Z" },
      { time: "2026-11-25T12:00:00+09:00" },
      { time: "2026-02-30T03:00:00Z" },
      { idempotencyKey: "short" },
      { nonce: "too-short" },
      { nonce: "AAAAAAAAAAAAAAAAAAAAAA==" },
    ];
    for (const change of bad) {
      expect(
        () => buildTransferForm({ ...base, ...change } as TransferFormInput),
        JSON.stringify(change),
      ).toThrow(expect.objectContaining({ code: "bad_transfer_form" }));
    }
    expect(() => buildTransferForm({ ...base, fee: "0" } as TransferFormInput)).toThrow(/fee/);
  });

  it("writes a Date's time to the second, in UTC, and reads only that spelling back", () => {
    expect(transferFormTime(new Date("2026-11-25T12:34:56.789+09:00"))).toBe("2026-11-25T03:34:56Z");
    expect(transferFormTime(new Date("1969-12-31T23:59:59.500Z"))).toBe("1969-12-31T23:59:59Z");
    expect(parseTransferFormTime("2026-11-25T03:34:56Z").getTime()).toBe(Date.UTC(2026, 10, 25, 3, 34, 56));
    expect(() => parseTransferFormTime("2026-11-25T24:00:00Z")).toThrow(/time/);
  });
});
