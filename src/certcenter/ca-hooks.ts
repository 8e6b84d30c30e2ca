// What the registration authority does inside the CA's own transactions (CertificateHooks in
// src/ca/context.ts; the CA may not import the RA, so the server wires these in): a web
// authorisation is used only by the session that made it, and a universal certificate's fee is
// claimed at renewal, captured at confirmation and released at refusal.
import type { BankContext } from "../bank/context.ts";
import type { CertificateHooks } from "../ca/context.ts";
import { feeHooks } from "./fees.ts";
import { mayEnrolFrom } from "./web-issuance.ts";

export function raHooks(bank: BankContext): CertificateHooks {
  return { ...feeHooks(bank), mayEnrol: mayEnrolFrom };
}
