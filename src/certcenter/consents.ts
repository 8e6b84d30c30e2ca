// The member's agreement to the certificate centre's terms and personal-data consent (the issue
// page's first step): which versions of which documents, when, from which session and request, kept
// as the bank keeps any consent. A web issuance and a reissue (reissue.ts, and the phone code it
// needs) are authorised only for a member who has agreed to every document at the version in force
// now (src/messages/consent-documents.ts): each makes a new certificate, a new subscription. A
// renewal does not ask again: as at a Korean CA, it extends the same subscriber's certificate under
// the agreement given when it was issued or reissued, proven by the old key (the CMP kur reaches the
// CA with no RA step in between; renewal-fee.ts only holds a universal certificate's fee).
import type { MemberRef } from "../bank/member-accounts.ts";
import type { Queryable } from "../db/db.ts";
import { currentConsentRefs } from "../messages/consent-documents.ts";
import { CertcenterError } from "./errors.ts";
import { sessionHash } from "./web-issuance.ts";

/** The member and session agreeing, and the request that carried the agreement. */
export interface ConsentingMember extends MemberRef {
  userId: string;
  sessionId: string;
}

function split(ref: string): { id: string; version: string } {
  const at = ref.indexOf("@");
  return { id: ref.slice(0, at), version: ref.slice(at + 1) };
}

/**
 * Records the member's agreement to these documents (`id@version`), each in force now; a version
 * not in force (the page was older or newer than the server) is refused, consent_version_unknown,
 * and nothing is recorded. Returns when it was recorded.
 */
export async function recordConsents(
  db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> },
  who: ConsentingMember,
  refs: readonly string[],
  at: { now: Date; requestId: string },
): Promise<{ documents: string[]; agreedAt: Date }> {
  const documents = [...new Set(refs)];
  const unknown = documents.filter((r) => !currentConsentRefs.includes(r));
  if (documents.length === 0 || unknown.length > 0) {
    throw new CertcenterError("consent_version_unknown", { documents: unknown, current: currentConsentRefs });
  }
  await db.transaction(async (tx) => {
    for (const ref of documents) {
      const { id, version } = split(ref);
      await tx.query(
        `INSERT INTO certcenter_consents (cooperative_id, member_id, user_id, document_id, document_version,
           agreed_at, session_hash, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          who.cooperativeId,
          who.memberId,
          who.userId,
          id,
          version,
          at.now,
          sessionHash(who.sessionId),
          at.requestId,
        ],
      );
    }
  });
  return { documents, agreedAt: at.now };
}

/** The documents in force now that the member has not agreed to (at this version), as `id@version`. */
export async function missingConsents(db: Queryable, who: MemberRef): Promise<string[]> {
  const current = currentConsentRefs.map(split);
  const { rows } = await db.query<{ document_id: string; document_version: string }>(
    `SELECT DISTINCT document_id, document_version FROM certcenter_consents
      WHERE cooperative_id = $1 AND member_id = $2 AND document_id = ANY($3::text[])
        AND document_version = ANY($4::text[])`,
    [who.cooperativeId, who.memberId, current.map((d) => d.id), current.map((d) => d.version)],
  );
  const agreed = new Set(rows.map((r) => `${r.document_id}@${r.document_version}`));
  return currentConsentRefs.filter((r) => !agreed.has(r));
}

/** Refuses (consent_required, naming what is missing) a member who has not agreed to every document in force. */
export async function requireConsents(db: Queryable, who: MemberRef): Promise<void> {
  const missing = await missingConsents(db, who);
  if (missing.length > 0) throw new CertcenterError("consent_required", { documents: missing });
}
