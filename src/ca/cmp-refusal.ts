// How the CMP server refuses (RFC 4210 §5.3.21): a refusal carries its PKIFailureInfo bits, a
// sentence for the requester and a stable code, answered as an error body (status rejection, the
// code in errorDetails) and written to the audit log. docs/ca.md lists every refusal.
import { appendAudit } from "../audit/audit-log.ts";
import { ErrorMsgContent, PkiBody, type PkiFailure, PkiFreeText, PkiStatus } from "../pki/asn1/cmp.ts";
import { toHex } from "../pki/bytes.ts";
import { bytesOf, type CmpMessage } from "../pki/cmp.ts";
import { statusInfo } from "../pki/cmp-status.ts";
import type { CaContext, RaRules } from "./context.ts";
import type { CaRequestError, CaRequestErrorCode } from "./errors.ts";

/** A refusal: the failInfo bits, a sentence for the requester, and a stable code for the audit log. */
export class CmpRefusal extends Error {
  constructor(
    readonly code: string,
    readonly failures: PkiFailure[],
    readonly text: string,
  ) {
    super(code);
  }
}

export const refuse = (code: string, failure: PkiFailure, text: string) =>
  new CmpRefusal(code, [failure], text);

/** The CMP answer to each rule the CA's request handling (enrolment, renewal, confirmation) applies. */
const requestRefusals: Record<CaRequestErrorCode, { failure: PkiFailure; text: (rules: RaRules) => string }> =
  {
    authorization_unknown: { failure: "notAuthorized", text: () => "the authorisation is unknown" },
    authorization_expired: { failure: "notAuthorized", text: () => "the authorisation is expired" },
    authorization_already_used: { failure: "notAuthorized", text: () => "the authorisation is already used" },
    authorization_ended: { failure: "notAuthorized", text: () => "the authorisation is ended" },
    old_revoked: {
      failure: "certRevoked",
      text: () => "a revoked or suspended certificate cannot be renewed; reissue it",
    },
    old_renewed: {
      failure: "certRevoked",
      text: () => "the certificate was renewed already; use its renewal",
    },
    old_not_valid: { failure: "notAuthorized", text: () => "the certificate is not in use" },
    old_expired: {
      failure: "notAuthorized",
      text: () => "an expired certificate cannot be renewed; apply for a new one",
    },
    renewal_window: {
      failure: "notAuthorized",
      text: (rules) => `renewal opens ${Math.round(rules.renewalWindowMs / 86_400_000)} days before expiry`,
    },
    same_key: { failure: "badCertTemplate", text: () => "a renewal needs a new key" },
    // RFC 4210 §5.2.3: "certificate cannot be issued because a duplicate certificate already exists".
    key_in_use: {
      failure: "duplicateCertReq",
      text: () => "this public key is certified already; every certificate needs a key of its own",
    },
    not_pending: {
      failure: "certConfirmed",
      text: () => "the certificate is no longer awaiting confirmation",
    },
    cert_exists: {
      failure: "notAuthorized",
      text: () => "the member already holds a live certificate of this purpose",
    },
    transaction_id_in_use: {
      failure: "transactionIdInUse",
      text: () => "this transactionID belongs to another request; start a new transaction",
    },
    authorization_elsewhere: {
      failure: "notAuthorized",
      text: () =>
        "this authorisation was made for another login session; enrol from the page that asked for it",
    },
    renewal_not_paid: {
      failure: "notAuthorized",
      text: () =>
        "renewing a universal certificate costs its fee: hold it in the certificate centre first, then renew",
    },
  };

/** The refusal that answers a rule of the CA's request handling. */
export function requestRefusal(e: CaRequestError, rules: RaRules): CmpRefusal {
  const { failure, text } = requestRefusals[e.code];
  return refuse(e.code, failure, text(rules));
}

export function errorBody(refusal: CmpRefusal): PkiBody {
  return new PkiBody({
    error: new ErrorMsgContent({
      pKIStatusInfo: statusInfo(PkiStatus.rejection, refusal.failures, refusal.text),
      errorDetails: new PkiFreeText([refusal.code]),
    }),
  });
}

export async function auditRefusal(
  ca: CaContext,
  msg: CmpMessage | undefined,
  refusal: CmpRefusal,
  subject?: string,
) {
  const senderKid = msg && bytesOf(msg.header.senderKID);
  await ca.db.transaction((tx) =>
    appendAudit(
      tx,
      {
        actor: "cmp",
        action: "cmp.refused",
        subject,
        details: {
          body: msg?.bodyType ?? null,
          code: refusal.code,
          failInfo: refusal.failures,
          transactionId:
            msg && bytesOf(msg.header.transactionID) ? toHex(bytesOf(msg.header.transactionID)!) : null,
          // A reference number is not secret (the code is); a signer's serial names the certificate.
          senderKid: senderKid && senderKid.length <= 64 ? new TextDecoder().decode(senderKid) : null,
        },
      },
      ca.clock.now(),
    ),
  );
}
