// Members' certificates for the web server's tests: the real CA key ceremony on the server's own
// database (P-384: quick), personal certificates issued by that issuing CA with the CA's profile
// code and recorded as the CMP side records them, and the browser's side of a signed transfer: the
// challenge's nonce, the canonical form, CMS SignedData made with the member's key.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createCaHierarchy } from "../../src/ca/ca-keys.ts";
import { issuingCa } from "../../src/ca/context.ts";
import { holderOf } from "../../src/certcenter/authorize.ts";
import { base64Encode, toPem } from "../../src/pki/bytes.ts";
import { signCms } from "../../src/pki/cms.ts";
import { issuePersonalCertificate, newSerialNumber, personalSubjectName } from "../../src/pki/profile.ts";
import { generateKeyParams, type KeyType } from "../../src/pki/signature-algorithms.ts";
import { buildTransferForm, transferFormTime } from "../../src/pki/transfer-form.ts";
import { openssl, type Run } from "./ca-fixture.ts";
import type { Session, WebMember, WebServer } from "./web-server.ts";

const dayMs = 86_400_000;

export interface MemberCertificate {
  serial: Uint8Array;
  der: Uint8Array;
  privateKey: CryptoKey;
}

/** The key ceremony on the server's database; writes chain.pem (issuing, root) into `dir`. */
export async function setUpCa(s: WebServer, dir: string): Promise<string> {
  const keys = await createCaHierarchy(s.app.db, {
    organization: "Geumgo Test",
    algorithm: "P-384",
    passphrase: s.app.config.caPassphrase,
    now: new Date(s.clock.now().getTime() - dayMs),
    actor: "test",
  });
  const issuing = keys.find((k) => k.role === "issuing")!;
  const root = keys.find((k) => k.role === "root")!;
  const chain = join(dir, "chain.pem");
  writeFileSync(chain, toPem("CERTIFICATE", issuing.certificate) + toPem("CERTIFICATE", root.certificate));
  return chain;
}

/** A certificate of the member's own (RSA-2048 unless said), recorded with the status given. */
export async function issueMemberCertificate(
  s: Pick<WebServer, "app" | "clock">,
  who: Pick<WebMember, "member">,
  options: {
    status?: "valid" | "hold" | "revoked" | "pending";
    purpose?: "bank" | "universal";
    keyType?: KeyType;
    notBefore?: Date;
    notAfter?: Date;
  } = {},
): Promise<MemberCertificate> {
  const keyType = options.keyType ?? { kind: "RSA", modulusBits: 2048 };
  const keys = (await crypto.subtle.generateKey(generateKeyParams(keyType), false, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey));
  const issuing = await issuingCa(s.app.ca);
  const serial = newSerialNumber();
  const now = s.clock.now();
  const notBefore = options.notBefore ?? new Date(now.getTime() - 3_600_000);
  const notAfter = options.notAfter ?? new Date(now.getTime() + 365 * dayMs);
  const purpose = options.purpose ?? "bank";
  const der = await issuePersonalCertificate({
    issuer: { certificate: issuing.certificate },
    signingKey: issuing.privateKey,
    signingAlgorithm: { name: "ECDSA", hash: "SHA-384" } as EcdsaParams,
    publicKey: keys.publicKey,
    subject: personalSubjectName({
      realName: who.member.realName,
      serialHint: `0099002${String(who.member.id).padStart(12, "0")}`,
      registrationUnit: "한빛새마을금고",
      organization: "Geumgo Test",
    }),
    serialNumber: serial,
    notBefore,
    notAfter,
    purpose,
    crlUrl: s.app.ca.urls.crl,
    ocspUrl: s.app.ca.urls.ocsp,
  });
  const status = options.status ?? "valid";
  const held = status === "hold" || status === "revoked";
  await s.app.db.query(
    `INSERT INTO certificates (serial, issuer_key_id, holder, purpose, status, der, subject, not_before,
                               not_after, spki_sha256, created_at, revoked_at, revocation_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      serial,
      issuing.id,
      holderOf(who.member.cooperativeId, who.member.id),
      purpose,
      status,
      der,
      `CN=${who.member.realName}`,
      notBefore,
      notAfter,
      createHash("sha256").update(spki).digest(),
      now,
      held ? now : null,
      status === "hold" ? "certificateHold" : status === "revoked" ? "keyCompromise" : null,
    ],
  );
  return { serial, der, privateKey: keys.privateKey };
}

/** A transfer as the browser sends it, before the signature: accounts as the member typed them. */
export interface TransferFields {
  idempotencyKey: string;
  fromAccount: string;
  toAccount: string;
  amount: string;
  memo?: string;
}

/** The challenge's nonce for this session. */
export async function signatureNonce(s: WebServer, session: Session): Promise<string> {
  const r = await s.request("GET", "/api/transfers/challenge", { session });
  if (r.statusCode !== 200) throw new Error(`challenge: ${r.statusCode} ${r.body}`);
  return r.json().signatureNonce;
}

/**
 * What the browser does: the canonical form of `fields` with this nonce and time, signed as CMS
 * SignedData (detached, signingTime) by `cert`; `form` lets a test sign other fields than it sends.
 */
export async function signTransfer(
  cert: MemberCertificate,
  fields: TransferFields,
  nonce: string,
  at: Date,
  options: { form?: Partial<TransferFields>; signingTime?: Date } = {},
): Promise<{ signature: string; signedAt: string; signatureNonce: string; form: Uint8Array }> {
  const signed = { ...fields, ...options.form };
  const time = transferFormTime(at);
  const form = buildTransferForm({
    from: signed.fromAccount.replaceAll("-", ""),
    to: signed.toAccount.replaceAll("-", ""),
    amount: signed.amount,
    memo: signed.memo ?? null,
    time,
    idempotencyKey: signed.idempotencyKey,
    nonce,
  });
  const der = await signCms({
    content: form,
    certificate: cert.der,
    privateKey: cert.privateKey,
    detached: true,
    signingTime: options.signingTime ?? at,
  });
  return { signature: base64Encode(der), signedAt: time, signatureNonce: nonce, form };
}

/** `openssl cms -verify` of a detached DER signature over a content file, against a CA file. */
export function opensslCmsVerify(files: {
  signature: string;
  content: string;
  chain: string;
  out?: string;
}): Run {
  return openssl([
    "cms",
    "-verify",
    "-binary",
    "-inform",
    "DER",
    "-in",
    files.signature,
    "-content",
    files.content,
    "-CAfile",
    files.chain,
    "-purpose",
    "any",
    "-out",
    files.out ?? "/dev/null",
  ]);
}
