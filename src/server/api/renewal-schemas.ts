// The shapes of the certificate centre's renewal and reissue routes (renewal-routes.ts). Imports
// only typebox and the shared schemas (the identity proofing's fields from certcenter-schemas.ts),
// so the web app may take its types from here.
import { Type } from "typebox";
import { ProofingFields } from "./certcenter-schemas.ts";
import { Bilingual, Instant, Strict } from "./schemas.ts";

export const Purpose = Type.Union([Type.Literal("bank"), Type.Literal("universal")]);

/** A certificate's serial number as hex (16 bytes; a leading 00 byte, as DER may show it, is ignored). */
export const SerialParams = Strict({
  serial: Type.String({ pattern: "^(00)?[0-9a-fA-F]{32}$", description: "the serial number, hex" }),
});

export const RenewalStatusAnswer = Type.Object({
  serial: Type.String({ description: "hex, lower case" }),
  purpose: Purpose,
  notAfter: Instant,
  window: Type.Object(
    { from: Instant, until: Instant },
    { description: "renewal opens 30 days before expiry and closes at the expiry" },
  ),
  renewable: Type.Boolean(),
  reason: Type.Union([
    Type.Object({
      code: Type.Union(
        [
          Type.Literal("too_early"),
          Type.Literal("expired"),
          Type.Literal("revoked"),
          Type.Literal("on_hold"),
          Type.Literal("not_valid"),
        ],
        { description: "why it cannot be renewed now" },
      ),
      message: Bilingual,
    }),
    Type.Null(),
  ]),
  next: Type.Union(
    [
      Type.Literal("renew"),
      Type.Literal("wait"),
      Type.Literal("issue"),
      Type.Literal("release_hold"),
      Type.Null(),
    ],
    { description: "what the member can do: renew now, wait for the window, have a new one issued, …" },
  ),
});

export const PhoneCodeBody = Strict({ purpose: Purpose });

export const PhoneCodeAnswer = Type.Object({
  sentTo: Type.String({ description: "the registered phone, masked: 010-****-5678" }),
  expiresAt: Instant,
  digits: Type.Integer(),
});

export const ReissueBody = Strict({
  purpose: Purpose,
  reason: Type.Union([Type.Literal("lost"), Type.Literal("damaged"), Type.Literal("forgotten")]),
  phoneCode: Type.String({ pattern: "^[0-9]{6}$", description: "the 6 digits sent to the phone" }),
  ...ProofingFields,
});

export const ReissueAnswer = Type.Object({
  referenceNumber: Type.String(),
  authorizationCode: Type.String(),
  expiresAt: Instant,
});
