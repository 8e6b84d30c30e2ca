// The shapes of the certificate centre's routes (인증센터, DESIGN §5): identity proofing and the web
// issuance authorisation (the proofing fields a reissue shares), its status, the universal
// renewal's fee, and the member's certificates.
// Imports only typebox, so the web app may take its types from here.
import { Type } from "typebox";
import { consentIdPattern, consentVersionPattern } from "../../messages/consent-documents.ts";
import { AccountNumberIn, AccountNumberOut, Instant, Strict, Won } from "./schemas.ts";

export const Purpose = Type.Union([Type.Literal("bank"), Type.Literal("universal")], {
  description:
    "bank: banking, insurance and card use (free); universal: every use (4,400 won a year, VAT included)",
});

const Serial = Type.String({
  pattern: "^[0-9a-f]{32}$",
  description: "the certificate's serial number, hex",
});
const ReferenceNumber = Type.String({
  pattern: "^[0-9]{10}$",
  description: "the authorisation's reference number",
});

/**
 * Online identity proofing's answers (src/certcenter/identity-proofing.ts), the same in every body
 * that proves the member (a web issuance, a reissue): spread into a body's `Strict({...})`.
 */
export const ProofingFields = {
  rrn: Type.String({
    pattern: "^[0-9]{6}-?[0-9]{7}$",
    description: "the member's resident registration number (never logged or stored)",
  }),
  account: AccountNumberIn,
  pin: Type.String({ pattern: "^[0-9]{4}$", description: "that account's passbook PIN" }),
  otp: Type.Optional(Type.String({ pattern: "^[0-9]{6}$" })),
  card: Type.Optional(
    Strict({
      first: Type.String({ pattern: "^[0-9]{2}$", description: "first two digits of code no. `first`" }),
      second: Type.String({ pattern: "^[0-9]{2}$", description: "last two digits of code no. `second`" }),
    }),
  ),
};

export const AuthorizationBody = Strict({
  purpose: Purpose,
  ...ProofingFields,
  /** Universal only: the account the fee is held on (default: `account`). */
  feeAccount: Type.Optional(AccountNumberIn),
});

const Fee = Type.Object({ amount: Won, account: AccountNumberOut });

export const Authorization = Type.Object({
  referenceNumber: ReferenceNumber,
  authorizationCode: Type.String({
    pattern: "^[0-9]{16}$",
    description: "the one-time code that keys the CMP ir's MAC (RFC 4210 §5.1.3.1); shown once",
  }),
  expiresAt: Instant,
  purpose: Purpose,
  fee: Type.Union([Fee, Type.Null()], { description: "the fee held (universal), or null (bank use)" }),
});

export const AuthorizationParams = Strict({ referenceNumber: ReferenceNumber });

export const AuthorizationStatus = Type.Object({
  referenceNumber: ReferenceNumber,
  purpose: Purpose,
  expiresAt: Instant,
  state: Type.Union(
    [Type.Literal("open"), Type.Literal("used"), Type.Literal("expired"), Type.Literal("ended")],
    { description: "open: not yet used; used: a certificate was enrolled; ended: locked after wrong MACs" },
  ),
  certificate: Type.Union([Type.Object({ serial: Serial, status: Type.String() }), Type.Null()]),
  fee: Type.Union([
    Type.Object({
      amount: Won,
      status: Type.Union([Type.Literal("held"), Type.Literal("captured"), Type.Literal("released")]),
    }),
    Type.Null(),
  ]),
});

export const RenewalBody = Strict({ serial: Serial, account: AccountNumberIn });

export const Renewal = Type.Object({
  serial: Serial,
  amount: Won,
  account: AccountNumberOut,
  /** The renewal (CMP kur) must reach the CA before this. */
  expiresAt: Instant,
});

export const MemberCertificate = Type.Object({
  serial: Serial,
  purpose: Purpose,
  status: Type.Union([
    Type.Literal("valid"),
    Type.Literal("hold"),
    Type.Literal("revoked"),
    Type.Literal("expired"),
    Type.Literal("pending"),
  ]),
  notBefore: Instant,
  notAfter: Instant,
  subject: Type.String(),
  issuer: Type.String(),
  renewable: Type.Object({ from: Instant, until: Instant }, { description: "the renewal window" }),
});

export const MemberCertificates = Type.Object({
  certificates: Type.Array(MemberCertificate),
  caCertificate: Type.String({ description: "the issuing CA's certificate, base64 DER" }),
});

/** Each document agreed to, by id, with the version the page showed (every body value is a string). */
export const ConsentBody = Type.Record(
  Type.String({ pattern: consentIdPattern }),
  Type.String({ pattern: consentVersionPattern }),
  {
    minProperties: 1,
    maxProperties: 8,
    additionalProperties: false,
    description:
      'the documents the member agreed to, by id, each with the version the page showed: { "certcenter-terms": "2026-12", "certcenter-privacy": "2026-12" }',
  },
);

export const Consent = Type.Object({
  documents: Type.Array(Type.String({ description: "`id@version`" }), {
    description: "what was recorded, each document at its version",
  }),
  agreedAt: Instant,
});
