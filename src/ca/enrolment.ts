// Enrolment under an issuance authorisation (DESIGN §4): the authorisation is taken (one use), the
// certificate request is built from what the RA put in it (subject, purpose, expiry, replaced
// certificate) and the VID from its resident registration number, and the serial is reserved, in
// one transaction. The caller has verified the MAC keyed by the authorisation code.
import { computeVid } from "../pki/vid.ts";
import { findAuthorization, takeAuthorization } from "./authorizations.ts";
import { type CaContext, issuingCa } from "./context.ts";
import { CaRequestError } from "./errors.ts";
import { type IssueRequest, oneYearAfter, reserveSerial } from "./issuance.ts";

/** Why an authorisation could not be taken: unknown, or open but past its time, or used, or ended. */
const notTaken = {
  unknown: "authorization_unknown",
  open: "authorization_expired",
  used: "authorization_already_used",
  locked: "authorization_ended",
} as const;

/**
 * Takes the authorisation and reserves a serial for the member's key; returns the serial and the
 * request to sign it for. Throws CaRequestError (authorization_*) when the authorisation cannot
 * be used.
 */
export async function reserveEnrolment(
  ca: CaContext,
  input: {
    referenceNumber: string;
    /** The member's SubjectPublicKeyInfo, DER. */
    publicKey: Uint8Array;
    /** The VID random R the client sent, if it sent one: the certificate then carries identifyData. */
    vidRandom: Uint8Array | undefined;
    cmpTransaction: Uint8Array | undefined;
    /** The login session the request came with (CmpRequester), resolved before the transaction. */
    requesterSession?: string | undefined;
  },
): Promise<{ serial: Uint8Array; issue: IssueRequest }> {
  const { referenceNumber, vidRandom: random } = input;
  const now = ca.clock.now();
  let issue: IssueRequest | undefined;
  const issuer = await issuingCa(ca);
  const serial = await ca.db.transaction(async (tx) => {
    const taken = await takeAuthorization(ca, tx, referenceNumber, now);
    if (!taken) {
      const found = await findAuthorization(tx, referenceNumber);
      throw new CaRequestError(notTaken[found?.state ?? "unknown"]);
    }
    // The RA's binding of a web authorisation to its session: refused, the take rolls back.
    const hooks = ca.certificateHooks;
    if (hooks && !(await hooks.mayEnrol(tx, referenceNumber, input.requesterSession))) {
      throw new CaRequestError("authorization_elsewhere");
    }
    const auth = taken.authorization;
    const rrn = taken.rrn;
    const identifyData =
      random && rrn
        ? { realName: auth.realName, hash: "sha256" as const, vid: await computeVid({ rrn, random }) }
        : undefined;
    issue = {
      holder: auth.holder,
      purpose: auth.purpose,
      subjectName: auth.subjectName,
      publicKey: input.publicKey,
      notBefore: now,
      notAfter: auth.notAfter ?? oneYearAfter(now),
      identifyData,
      authorizationRef: referenceNumber,
      replaces: auth.replaces ?? undefined,
      replaceReason: auth.replaceReason ?? undefined,
      cmpTransaction: input.cmpTransaction,
      actor: `cmp:${referenceNumber}`,
    };
    return reserveSerial(ca, tx, issuer, issue);
  });
  return { serial, issue: issue! };
}
