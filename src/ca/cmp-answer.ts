// How the CA answers a CMP message (RFC 4210 §5.1.1): in the issuing CA's name, in the same
// transaction, the requester's nonce echoed and a fresh one of ours, protected by the request's
// MAC key once it verified, by the CA's signature with its chain in extraCerts once a signature
// verified, or not at all: an error to a request not authenticated (RFC 4210 §5.1.3, §5.3.21).
import { randomBytes } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate, GeneralName, type Name } from "@peculiar/asn1-x509";
import type { PkiBody, PkiHeader } from "../pki/asn1/cmp.ts";
import { buildPkiMessage, bytesOf, type CmpProtection } from "../pki/cmp.ts";
import { activeCaKeys } from "./ca-keys.ts";
import { type CaContext, issuingCa, perContext } from "./context.ts";

export interface CaIdentity {
  name: Name;
  /** The sender of every answer: directoryName of the issuing CA, DER. */
  senderDer: Uint8Array;
  signer: CmpProtection;
  chain: Uint8Array[];
  root: Uint8Array;
}

/** The issuing CA as CMP answers in its name; read once per context (CA keys do not change under it). */
export const caIdentity = perContext(async (ca): Promise<CaIdentity> => {
  const issuer = await issuingCa(ca);
  const root = (await activeCaKeys(ca.db)).find((k) => k.role === "root")!.certificate;
  const name = AsnConvert.parse(issuer.certificate, Certificate).tbsCertificate.subject;
  return {
    name,
    senderDer: new Uint8Array(AsnConvert.serialize(new GeneralName({ directoryName: name }))),
    signer: { kind: "signature", key: issuer.privateKey },
    chain: [issuer.certificate, root],
    root,
  };
});

/** An answer to the message with this header: same transaction, its nonce echoed, ours fresh. */
export function answer(
  ca: CaContext,
  id: CaIdentity,
  h: PkiHeader,
  recipient: GeneralName | Uint8Array,
  protection: CmpProtection | undefined,
  body: PkiBody | Uint8Array,
  caPubs: boolean,
): Promise<Uint8Array> {
  return buildPkiMessage(
    {
      sender: id.senderDer,
      recipient,
      transactionID: bytesOf(h.transactionID) ?? randomBytes(16),
      senderNonce: randomBytes(16),
      recipNonce: bytesOf(h.senderNonce),
      messageTime: ca.clock.now(),
    },
    body,
    protection,
    protection?.kind === "signature" || caPubs ? id.chain : [],
  );
}
