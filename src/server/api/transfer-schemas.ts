// The shapes of the member's transfer routes: the recipient check, the medium's challenge, the
// transfer and its receipt. Imports only typebox, so the web app may take its types from here.
import { Type } from "typebox";
import {
  AccountNumberIn,
  AccountNumberOut,
  AmountIn,
  Id,
  Instant,
  PassbookText,
  Strict,
  Won,
} from "./schemas.ts";

const TransferFields = { fromAccount: AccountNumberIn, toAccount: AccountNumberIn, amount: AmountIn };

export const RecipientBody = Strict(TransferFields);

export const Recipient = Type.Object({
  toAccount: AccountNumberOut,
  recipientName: Type.String(),
  cooperativeName: Type.String(),
  amount: Won,
  fee: Won,
});

/** The one-time number a signed transfer's canonical form carries (docs/api.md, "Transfer signatures"). */
const SignatureNonce = {
  signatureNonce: Type.String({
    pattern: "^[A-Za-z0-9_-]{43}$",
    description:
      "256 random bits, base64url: the `nonce` of the transfer form to sign; good once, in this session",
  }),
  signatureNonceExpiresAt: Instant,
};

const cardCodes = {
  first: Type.Integer({
    minimum: 1,
    maximum: 35,
    description: "type the first two digits of this code",
  }),
  second: Type.Integer({
    minimum: 1,
    maximum: 35,
    description: "type the last two digits of this code",
  }),
};

/** What the security medium asks: an OTP code, or two code numbers of the security card. */
export const MediumChallenge = Type.Union([
  Type.Object({ medium: Type.Literal("otp") }),
  Type.Object({ medium: Type.Literal("card"), ...cardCodes }),
]);

/** A transfer's challenge: the medium's question and the nonce its signature's form carries. */
export const Challenge = Type.Union([
  Type.Object({ medium: Type.Literal("otp"), ...SignatureNonce }),
  Type.Object({ medium: Type.Literal("card"), ...SignatureNonce, ...cardCodes }),
]);

export const TransferBody = Strict({
  idempotencyKey: Type.String({
    pattern: "^[A-Za-z0-9_-]{8,100}$",
    description: "one per transfer form, e.g. a random UUID",
  }),
  ...TransferFields,
  memo: Type.Optional(PassbookText(20, { description: "받는 분 통장 표시" })),
  pin: Type.String({ pattern: "^[0-9]{4}$", description: "the withdrawal account's passbook PIN" }),
  otp: Type.Optional(Type.String({ pattern: "^[0-9]{6}$" })),
  signature: Type.Optional(
    Type.String({
      pattern: "^[A-Za-z0-9+/]+={0,2}$",
      minLength: 4,
      maxLength: 16384,
      description: "CMS SignedData (DER, base64), detached, over the transfer's canonical form",
    }),
  ),
  signedAt: Type.Optional(
    Type.String({
      pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
      description: "the canonical form's `time` (UTC, to the second)",
    }),
  ),
  signatureNonce: Type.Optional(
    Type.String({ pattern: "^[A-Za-z0-9_-]{22,128}$", description: "the canonical form's `nonce`" }),
  ),
  card: Type.Optional(
    Strict({
      first: Type.String({
        pattern: "^[0-9]{2}$",
        description: "first two digits of code no. `first`",
      }),
      second: Type.String({
        pattern: "^[0-9]{2}$",
        description: "last two digits of code no. `second`",
      }),
    }),
  ),
});

export const Receipt = Type.Object({
  id: Id,
  at: Instant,
  fromAccount: AccountNumberOut,
  toAccount: AccountNumberOut,
  recipientName: Type.String(),
  amount: Won,
  balanceAfter: Won,
  memo: Type.Union([Type.String(), Type.Null()], { description: "what the recipient's statement shows" }),
});
