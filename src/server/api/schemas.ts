// The shapes the member API speaks (TypeBox, so routes are typed by their schemas and the OpenAPI
// description comes from the same source). Money travels as decimal strings of whole won.
import { type TSchema, Type } from "typebox";

export const Won = Type.String({
  pattern: "^-?[0-9]{1,19}$",
  description: "whole won as a decimal string (never a JSON number)",
  examples: ["1000000"],
});

/** An amount the member types: positive, at most 16 digits. */
export const AmountIn = Type.String({
  pattern: "^[1-9][0-9]{0,15}$",
  description: "a positive number of won as a decimal string",
  examples: ["50000"],
});

export const AccountNumberIn = Type.String({
  pattern: "^[0-9][0-9 -]{11,18}[0-9]$",
  description: "13 digits with a check digit, dashes and spaces allowed (9002-0000-1000-3)",
  examples: ["9002-0000-1000-3"],
});

export const AccountNumberOut = Type.String({
  pattern: "^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]$",
  description: "the account number as the bank prints it",
});

/** A day in a request: a real date, 1900-01-01 … 2999-12-31 (format `day`, src/server/input-rules.ts). */
export const Day = Type.String({
  pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
  format: "day",
  description: "a day in Asia/Seoul, 1900-01-01 … 2999-12-31",
});
export const Instant = Type.String({
  description: "an ISO 8601 instant (UTC)",
  examples: ["2026-11-25T03:00:00.000Z"],
});
export const Id = Type.String({ pattern: "^[0-9]{1,19}$", description: "a decimal id" });
/** An id or cursor in a request: what PostgreSQL's bigint holds (format `decimal-id`). */
export const IdIn = Type.String({
  pattern: "^[1-9][0-9]{0,18}$",
  format: "decimal-id",
  description: "a decimal id, 1 … 9223372036854775807",
});

/** Text people read (names, addresses): no control, bidi or zero-width characters (format `display-text`). */
export const DisplayText = (maxLength: number, options: { minLength?: number; description?: string } = {}) =>
  Type.String({ minLength: 1, maxLength, format: "display-text", ...options });

/**
 * Text printed on a passbook (받는 분 통장 표시): KS X 1001 Hangul, ASCII letters and digits, space
 * and - _ . , ( ) / & ' : # * ! ? (format `passbook-text`); no emoji, which no passbook printer prints.
 */
export const PassbookText = (maxLength: number, options: { description?: string } = {}) =>
  Type.String({ minLength: 1, maxLength, format: "passbook-text", ...options });
export const Text = { ko: Type.String(), en: Type.String() };
export const Bilingual = Type.Object(Text);

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: "stable snake_case code; the message may change" }),
      message: Bilingual,
      details: Type.Optional(
        Type.Object(
          {},
          {
            additionalProperties: true,
            description:
              "facts for the client, such as remaining tries, broken password rules, seconds to wait",
          },
        ),
      ),
    }),
  },
  { title: "Error" },
);

/** Every route's refusals share one body. */
export const errors = { "4xx": ErrorBody } as const;

/** Cookie session, and the CSRF header on methods that change something. */
export const memberSecurity = [{ memberSession: [] }];
export const memberUnsafeSecurity = [{ memberSession: [], csrfToken: [] }];

export const Strict = <T extends Record<string, TSchema>>(properties: T) =>
  Type.Object(properties, { additionalProperties: false });

/** The body of a 204 answer. */
export const NoContent = Type.Null();
