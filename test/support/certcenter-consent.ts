// The member's agreement to the certificate centre's terms in force (src/messages/consent-documents.ts),
// as the issue page posts it on its terms step: what a test does before authorising a web issuance.
import { expect } from "vitest";
import { currentConsentRefs } from "../../src/messages/consent-documents.ts";
import type { Session, WebServer } from "./web-server.ts";

/** POST /api/certcenter/consents with every document in force, as this session; checks it was recorded. */
export async function agreeToCertcenterTerms(
  s: Pick<WebServer, "request">,
  session: Session,
  documents: readonly string[] = currentConsentRefs,
): Promise<void> {
  const body = Object.fromEntries(documents.map((ref) => ref.split("@") as [string, string]));
  const r = await s.request("POST", "/api/certcenter/consents", { session, body });
  expect(r.statusCode, r.body).toBe(201);
}
