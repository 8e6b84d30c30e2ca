// The real HTTP server with the member API (web-server.ts) and a CA (P-384: quick), for the
// certificate centre's tests: the browser's part is played by our own CMP client (src/pki), posting
// to the real /pki/cmp route through Fastify's inject; and the member's resident registration number
// read back for the identity-proofing form, as the member would type it; and the set-up the
// certificate centre's API tests share: the server with Hong and Kim logged in, both agreed to the terms.
import { revealRrnForVid } from "../../src/bank/members.ts";
import { createCaHierarchy } from "../../src/ca/ca-keys.ts";
import { issuingCa } from "../../src/ca/context.ts";
import { agreeToCertcenterTerms } from "./certcenter-consent.ts";
import type { DbKind } from "./db.ts";
import { type Session, startWebServer, type WebMember, type WebServer } from "./web-server.ts";

export interface CertcenterServer extends WebServer {
  /** POSTs a PKIMessage to /pki/cmp, with the session's cookie as the browser sends it, and returns the answer. */
  cmp(der: Uint8Array<ArrayBuffer>, session?: Session): Promise<Uint8Array>;
  caCertificate: Uint8Array;
  rrnOf(who: WebMember): Promise<string>;
}

/**
 * The clock starts 340 days back: a certificate issued at the start is inside its renewal window at
 * the real time, where a signed CMP request's messageTime must be (the client stamps real time).
 */
export async function startCertcenterServer(kind: DbKind): Promise<CertcenterServer> {
  const s = await startWebServer(kind, { at: new Date(Date.now() - 340 * 86_400_000) });
  await createCaHierarchy(s.app.db, {
    organization: "Geumgo Test",
    algorithm: "P-384",
    passphrase: s.app.config.caPassphrase,
    now: new Date(s.clock.now().getTime() - 86_400_000),
  });
  const caCertificate = (await issuingCa(s.app.ca)).certificate;
  return {
    ...s,
    caCertificate,
    async cmp(der, session) {
      const r = await s.fastify.inject({
        method: "POST",
        url: "/pki/cmp",
        headers: { "content-type": "application/pkixcmp", ...(session ? { cookie: session.cookie } : {}) },
        payload: Buffer.from(der),
      });
      if (r.statusCode !== 200) throw new Error(`POST /pki/cmp answered ${r.statusCode}`);
      return new Uint8Array(r.rawPayload);
    },
    rrnOf: (who) => revealRrnForVid(s.app.bank, who.member.cooperativeId, who.member.id),
  };
}

/**
 * The server with the two demo members logged in (a session each) and agreed to the terms in force,
 * as a member is by the issue page's first step: what a test authorising web issuances starts from.
 */
export async function startCertcenterSessions(
  kind: DbKind,
): Promise<{ s: CertcenterServer; hong: Session; kim: Session }> {
  const s = await startCertcenterServer(kind);
  const hong = await s.login("hong", "Hong!2026demo");
  const kim = await s.login("kim2026", "Kim!2026pass");
  // Agreed once per member: a web issuance asks whether the member agreed, not the session.
  await agreeToCertcenterTerms(s, hong);
  await agreeToCertcenterTerms(s, kim);
  return { s, hong, kim };
}
