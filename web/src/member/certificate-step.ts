// The certificate signature of a transfer: before POST /api/transfers, the member's 공동인증서
// signs the transfer's canonical form (src/pki/transfer-form.ts, built here from what the page
// sends and the challenge's signatureNonce) as CMS SignedData, detached, and the three signature
// fields travel with the request (docs/api.md, "Transfer signatures"). The signer comes from the
// selection window (loaded on demand by TransferPage); this module holds no certificate code.
// Whether the member must sign: one who holds a certificate in force (GET
// /api/certcenter/certificates) does, as the server's interim policy says; one without may still
// send with PIN + OTP/security card.
import { base64Encode } from "../../../src/pki/bytes.ts";
import { buildTransferForm, transferFormTime } from "../../../src/pki/transfer-form.ts";
import type { Signer } from "../certcenter/storage/types.ts";

export interface TransferToSign {
  idempotencyKey: string;
  /** As the page sends them: formatted or not. */
  fromAccount: string;
  toAccount: string;
  amount: string;
  memo: string | null;
  /** The challenge's signatureNonce. */
  nonce: string;
}

/** What POST /api/transfers takes of a signature. */
export interface TransferSignature {
  /** base64 of the DER SignedData. */
  signature: string;
  signedAt: string;
  signatureNonce: string;
}

/** The bytes to sign and the time they carry, exactly as the server rebuilds them. */
export function transferFormOf(transfer: TransferToSign, at: Date): { form: Uint8Array; signedAt: string } {
  const signedAt = transferFormTime(at);
  const form = buildTransferForm({
    from: transfer.fromAccount.replace(/[\s-]/g, ""),
    to: transfer.toAccount.replace(/[\s-]/g, ""),
    amount: transfer.amount,
    memo: transfer.memo,
    time: signedAt,
    idempotencyKey: transfer.idempotencyKey,
    nonce: transfer.nonce,
  });
  return { form, signedAt };
}

/** Signs the transfer's form as of `at` (the form's time and the CMS signingTime alike) with the window's one-shot signer. */
export async function signTransfer(
  signer: Signer,
  transfer: TransferToSign,
  at: Date,
): Promise<TransferSignature> {
  const { form, signedAt } = transferFormOf(transfer, at);
  const signature = await signer.signCms(form, at);
  return { signature: base64Encode(signature), signedAt, signatureNonce: transfer.nonce };
}

/** A certificate in force (the server's list says "valid": issued, confirmed, within its dates) means every transfer is signed. */
export function holdsCertificateInForce(certificates: readonly { status: string }[]): boolean {
  return certificates.some((c) => c.status === "valid");
}
