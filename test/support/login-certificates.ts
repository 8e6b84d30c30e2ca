// Certificates for certificate login, made by the server's own CA: the key ceremony on the test
// server's database, then member certificates issued by the CA's issuance code (identifyData with
// a VID over the member's resident registration number and a random R, as an enrolment makes it)
// and confirmed as a certConf confirms them; and the member's side of a login (src/pki/login-form.ts
// signed with the private key, as the browser's Signer does).
import { AsnConvert } from "@peculiar/asn1-schema";
import { createCaHierarchy } from "../../src/ca/ca-keys.ts";
import { confirmCertificate } from "../../src/ca/confirmation.ts";
import { issueCertificate } from "../../src/ca/issuance.ts";
import { holderOf } from "../../src/certcenter/authorize.ts";
import { toHex } from "../../src/pki/bytes.ts";
import { signCms } from "../../src/pki/cms.ts";
import { type CertificateLoginBody, type LoginSigner, signLoginForm } from "../../src/pki/login-form.ts";
import { personalSubjectName } from "../../src/pki/profile.ts";
import { generateKeyParams, type KeyType } from "../../src/pki/signature-algorithms.ts";
import { computeVid } from "../../src/pki/vid.ts";
import type { App } from "../../src/server/context.ts";
import { publicOrigin } from "../../src/server/context.ts";

export interface LoginCertificate {
  holder: string;
  serial: Uint8Array;
  certificate: Uint8Array;
  privateKey: CryptoKey;
  /** R, as the member's key file keeps it; undefined when the certificate carries no VID. */
  vidRandom: Uint8Array | undefined;
}

/** The CA key ceremony on the server's database (P-384: quick), under the server's passphrase. */
export async function setUpServerCa(app: App): Promise<void> {
  await createCaHierarchy(app.db, {
    organization: app.ca.organization,
    algorithm: "P-384",
    passphrase: app.ca.passphrase,
    now: new Date(app.ca.clock.now().getTime() - 86_400_000),
    actor: "test",
  });
}

let hint = 0;

/**
 * A certificate for the member from the server's CA: RSA-2048 unless told (the NPKI default), with
 * a VID over `rrn` and a fresh 20-byte R unless `vid: false`, confirmed unless `confirm: false`.
 */
export async function issueLoginCertificate(
  app: App,
  who: { cooperativeId: number; memberId: bigint; realName: string; rrn: string },
  options: { keyType?: KeyType; vid?: boolean; confirm?: boolean; validMs?: number } = {},
): Promise<LoginCertificate> {
  const type = options.keyType ?? { kind: "RSA", modulusBits: 2048 };
  const keys = (await crypto.subtle.generateKey(generateKeyParams(type), true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const holder = holderOf(who.cooperativeId, who.memberId);
  const vidRandom = options.vid === false ? undefined : crypto.getRandomValues(new Uint8Array(20));
  const now = app.ca.clock.now();
  hint++;
  const issued = await issueCertificate(app.ca, {
    holder,
    purpose: "bank",
    subjectName: new Uint8Array(
      AsnConvert.serialize(
        personalSubjectName({
          realName: who.realName,
          serialHint: `00910412${String(hint).padStart(6, "0")}`,
          registrationUnit: "한빛새마을금고",
          organization: app.ca.organization,
        }),
      ),
    ),
    publicKey: new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey)),
    notBefore: now,
    notAfter: new Date(now.getTime() + (options.validMs ?? 365 * 86_400_000)),
    identifyData: vidRandom
      ? { realName: who.realName, hash: "sha256", vid: await computeVid({ rrn: who.rrn, random: vidRandom }) }
      : undefined,
    actor: "test",
  });
  if (options.confirm !== false) {
    // One live certificate per member and purpose: the previous one is superseded first.
    await app.db.query(
      "UPDATE certificates SET status = 'revoked', revoked_at = $2, revocation_reason = 'superseded' WHERE holder = $1 AND status IN ('valid', 'hold')",
      [holder, now],
    );
    await confirmCertificate(app.ca, { serial: issued.serial, holder, rejected: false });
  }
  return { holder, serial: issued.serial, certificate: issued.der, privateKey: keys.privateKey, vidRandom };
}

/** The browser's Signer over a certificate and its key (web/src/certcenter/storage/types.ts). */
export function signerOf(c: {
  certificate: Uint8Array;
  privateKey: CryptoKey;
  vidRandom: Uint8Array | undefined;
}): LoginSigner {
  return {
    certificate: c.certificate,
    vidRandom: c.vidRandom,
    signCms: (content) => signCms({ content, certificate: c.certificate, privateKey: c.privateKey }),
  };
}

/** A login body for `challenge`, signed at the server's origin unless told another. */
export function loginBody(
  app: App,
  c: LoginCertificate,
  challenge: string,
  origin = publicOrigin(app),
): Promise<CertificateLoginBody> {
  return signLoginForm(signerOf(c), { challenge, origin });
}

export function serialHex(c: LoginCertificate): string {
  return toHex(c.serial);
}
