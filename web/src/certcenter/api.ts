// The certificate centre's calls to the server, typed to the shapes the RA's routes answer with
// (docs/api.md, "Certificate centre API" and "Renewal, reissue and notices"). Money is a decimal string of won; bytes are base64. The
// page shows whatever the server refuses with (ApiError, Korean and English words): no route is
// faked here, so a route that is not there yet shows as the server's 404.
import { consentBodyOf, consentDocuments } from "../../../src/messages/consent-documents.ts";
import type { ApiClient } from "../lib/api.ts";
import type { ServerStatus } from "./status.ts";

export type Purpose = "bank" | "universal";

export interface ServerCertificate {
  /** Hex, as the CA wrote it. */
  serial: string;
  purpose: Purpose;
  status: ServerStatus;
  notBefore: string;
  notAfter: string;
  subject: string;
  issuer: string;
  renewable: { from: string; until: string };
}

export interface CertificateList {
  certificates: ServerCertificate[];
  /** The CA certificate, base64 DER: the browser checks what it stores against it. */
  caCertificate: string;
}

/** The second factor the bank asks for: the OTP, or two positions of the security card. */
export type MediumChallenge = { medium: "otp" } | { medium: "card"; first: number; second: number };

export type MediumAnswer = { otp: string } | { card: { first: string; second: string } };

export interface IdentityProof {
  /** 13 digits, no hyphen. */
  rrn: string;
  /** One of the logged-in member's accounts, and its passbook PIN. */
  account: string;
  pin: string;
  medium: MediumAnswer;
}

/** The proof as the server's bodies take it: the medium's answer spread in (`otp` or `card`). */
function proofFields(p: IdentityProof): Record<string, unknown> {
  return { rrn: p.rrn, account: p.account, pin: p.pin, ...p.medium };
}

export interface IssueRequest {
  purpose: Purpose;
  /** The account the universal fee is held on; absent for bank use (free). */
  feeAccount?: string;
  identity: IdentityProof;
}

/** A web issuance authorisation: one-time, bound to this session, 10 minutes (DESIGN.md §4). */
export interface IssueAuthorization {
  referenceNumber: string;
  authorizationCode: string;
  expiresAt: string;
  purpose: Purpose;
  /** The fee held for it (universal), null for bank use. */
  fee: { amount: string; account: string } | null;
}

export interface ReissueRequest {
  /** A reissue replaces the member's certificate of this purpose. */
  purpose: Purpose;
  reason: "lost" | "damaged" | "forgotten";
  identity: IdentityProof;
  /** The one-time code sent to the member's registered phone. */
  phoneCode: string;
}

export interface ReissueAuthorization {
  referenceNumber: string;
  authorizationCode: string;
  expiresAt: string;
}

export interface RenewRequest {
  serial: string;
  /** The account the universal renewal's fee is held on. */
  account: string;
}

/** A universal renewal's fee, held until the kur reaches the CA (before expiresAt). */
export interface RenewAuthorization {
  serial: string;
  amount: string;
  account: string;
  expiresAt: string;
}

export interface PhoneCodeSent {
  /** The registered phone as the server masks it (010-****-5678). */
  sentTo: string;
  expiresAt: string;
  digits: number;
}

/** The terms' and privacy notice's versions the member is shown and agrees to (defined with the server's). */
export const consentVersions = {
  terms: consentDocuments.terms.version,
  privacy: consentDocuments.privacy.version,
} as const;

/** What the server recorded of the member's agreement. */
export interface ConsentRecorded {
  /** Each document as `id@version`. */
  documents: string[];
  agreedAt: string;
}

export function certcenterApi(api: ApiClient) {
  return {
    certificates: () => api.get<CertificateList>("/api/certcenter/certificates"),
    mediumChallenge: () => api.get<MediumChallenge>("/api/certcenter/challenge"),
    /** The member agreed to the terms and the personal-data consent, at the versions the page showed. */
    agreeToTerms: () =>
      api.post<ConsentRecorded>(
        "/api/certcenter/consents",
        consentBodyOf([consentDocuments.terms, consentDocuments.privacy]),
      ),
    authorizeIssue: (body: IssueRequest) =>
      api.post<IssueAuthorization>("/api/certcenter/authorizations", {
        purpose: body.purpose,
        ...proofFields(body.identity),
        ...(body.feeAccount ? { feeAccount: body.feeAccount } : {}),
      }),
    /** Universal only: a bank-use renewal is free and needs no call before the kur. */
    authorizeRenewal: (body: RenewRequest) => api.post<RenewAuthorization>("/api/certcenter/renewals", body),
    sendReissueCode: (purpose: Purpose) =>
      api.post<PhoneCodeSent>("/api/certcenter/reissue/phone-code", { purpose }),
    authorizeReissue: (body: ReissueRequest) =>
      api.post<ReissueAuthorization>("/api/certcenter/reissue", {
        purpose: body.purpose,
        reason: body.reason,
        phoneCode: body.phoneCode,
        ...proofFields(body.identity),
      }),
  };
}

export type CertcenterApi = ReturnType<typeof certcenterApi>;
