// What the registration authority works with: the bank (members, accounts, users) and the CA it
// hands authorisations to. Callers outside the RA (the branch desk) name the CA through this module,
// so that they reach the CA only by way of the RA.
import type { BankContext } from "../bank/context.ts";
import type { CaContext } from "../ca/context.ts";

export type { CaContext };

export interface CertcenterContext {
  bank: BankContext;
  ca: CaContext;
}
