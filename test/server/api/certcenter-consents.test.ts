// The member's agreement to the certificate centre's terms and personal-data consent (POST
// /api/certcenter/consents), kept with its versions, time, session and request; a web issuance
// refused (consent_required) until the member has agreed to every document at the version in force,
// an agreement to an older version not enough, a version not in force refused when posted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionHash } from "../../../src/certcenter/web-issuance.ts";
import { consentDocuments, consentRef, currentConsentRefs } from "../../../src/messages/consent-documents.ts";
import { agreeToCertcenterTerms } from "../../support/certcenter-consent.ts";
import { type CertcenterServer, startCertcenterServer } from "../../support/certcenter-server.ts";
import { dbKinds } from "../../support/db.ts";
import { pins, type Session } from "../../support/web-server.ts";

describe.each(dbKinds)("consent to the certificate centre's terms on %s", (kind) => {
  let s: CertcenterServer;
  let kim: Session;
  beforeAll(async () => {
    s = await startCertcenterServer(kind);
    kim = await s.login("kim2026", "Kim!2026pass");
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  const authorize = async () =>
    s.request("POST", "/api/certcenter/authorizations", {
      session: kim,
      body: {
        purpose: "bank",
        rrn: await s.rrnOf(s.kim),
        account: s.kim.accounts[0],
        pin: pins.kim,
        otp: s.nextOtp(s.kim),
      },
    });
  const terms = consentRef(consentDocuments.terms);
  const privacy = consentRef(consentDocuments.privacy);

  it("refuses a web issuance until the member agrees to both documents in force, then authorises it", async () => {
    const none = await authorize();
    expect(none.statusCode).toBe(403);
    expect(none.json().error).toMatchObject({
      code: "consent_required",
      details: { documents: currentConsentRefs },
    });
    expect(none.json().error.message).toMatchObject({
      ko: expect.stringContaining("동의"),
      en: expect.stringContaining("agree"),
    });

    // Agreed to the terms under an older version only (the row as an earlier page recorded it), and
    // to the privacy notice not at all: both are still missing.
    await s.app.db.query(
      `INSERT INTO certcenter_consents (cooperative_id, member_id, user_id, document_id, document_version,
         agreed_at, session_hash, request_id) VALUES (1, $1, 'kim2026', $2, '2025-01', $3, $4, 'req-old')`,
      [s.kim.member.id, consentDocuments.terms.id, s.clock.now(), new Uint8Array(32)],
    );
    const old = await authorize();
    expect(old.statusCode).toBe(403);
    expect(old.json().error.details.documents).toEqual([terms, privacy]);

    await agreeToCertcenterTerms(s, kim, [terms]);
    const half = await authorize();
    expect(half.statusCode).toBe(403);
    expect(half.json().error.details.documents).toEqual([privacy]);

    await agreeToCertcenterTerms(s, kim, [privacy]);
    const ok = await authorize();
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it("keeps which version was agreed, when, by whom, from which session and request", async () => {
    const session = await s.login("kim2026", "Kim!2026pass");
    s.clock.advance(60_000);
    const r = await s.request("POST", "/api/certcenter/consents", {
      session,
      body: {
        [consentDocuments.terms.id]: consentDocuments.terms.version,
        [consentDocuments.privacy.id]: consentDocuments.privacy.version,
      },
    });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toEqual({ documents: currentConsentRefs, agreedAt: s.clock.now().toISOString() });
    const { rows } = await s.app.db.query<{
      user_id: string;
      document_id: string;
      document_version: string;
      agreed_at: Date;
      session_hash: Uint8Array;
      request_id: string;
    }>(
      `SELECT user_id, document_id, document_version, agreed_at, session_hash, request_id
         FROM certcenter_consents WHERE member_id = $1 AND agreed_at = $2 ORDER BY id`,
      [s.kim.member.id, s.clock.now()],
    );
    expect(rows.map((x) => [x.user_id, x.document_id, x.document_version])).toEqual([
      ["kim2026", consentDocuments.terms.id, consentDocuments.terms.version],
      ["kim2026", consentDocuments.privacy.id, consentDocuments.privacy.version],
    ]);
    const sessions = await s.app.db.query<{ id_hash: Uint8Array }>(
      "SELECT id_hash FROM sessions WHERE member_id = $1",
      [s.kim.member.id],
    );
    // The newest session's: stored as the web authorisations store it, a hash of the session's id.
    const hashes = sessions.rows.map((x) =>
      Buffer.from(sessionHash(Buffer.from(x.id_hash).toString("hex"))).toString("hex"),
    );
    expect(hashes).toContain(Buffer.from(rows[0]!.session_hash).toString("hex"));
    expect(rows[0]!.request_id).not.toBe("");
  });

  it("refuses a version not in force, an unknown document, a malformed body and a missing CSRF token, recording nothing", async () => {
    const count = async () =>
      (await s.app.db.query<{ n: bigint }>("SELECT count(*)::bigint AS n FROM certcenter_consents")).rows[0]!
        .n;
    const before = await count();
    for (const [id, version] of [
      [consentDocuments.terms.id, "2025-01"],
      ["certcenter-other", "2026-12"],
    ] as const) {
      const documents = [`${id}@${version}`];
      const r = await s.request("POST", "/api/certcenter/consents", {
        session: kim,
        body: { [id]: version },
      });
      expect(r.statusCode, documents[0]).toBe(409);
      expect(r.json().error).toMatchObject({
        code: "consent_version_unknown",
        details: { documents, current: currentConsentRefs },
      });
    }
    for (const body of [
      {},
      { documents: [terms] },
      { [consentDocuments.terms.id]: "2026 12" },
      { [consentDocuments.terms.id]: 202612 },
    ]) {
      const r = await s.request("POST", "/api/certcenter/consents", { session: kim, body });
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
    }
    // A key not shaped as a document id is dropped by the schema, leaving no document in force.
    const odd = await s.request("POST", "/api/certcenter/consents", {
      session: kim,
      body: { "Certcenter-Terms": "2026-12" },
    });
    expect(odd.json().error.code).toBe("consent_version_unknown");
    const all = Object.fromEntries(currentConsentRefs.map((ref) => ref.split("@")));
    const noCsrf = await s.request("POST", "/api/certcenter/consents", {
      session: kim,
      csrf: null,
      body: all,
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe("csrf");
    const anonymous = await s.request("POST", "/api/certcenter/consents", { body: all });
    expect(anonymous.statusCode).toBe(401);
    expect(await count()).toBe(before);
  });
});
