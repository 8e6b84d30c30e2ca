// The place where the certificate signature of a transfer slots in: before POST /api/transfers,
// the member's 공동인증서 signs the transfer's canonical form (src/pki/transfer-form.ts, built
// here from what the page sends and the challenge's signatureNonce) as CMS SignedData, detached,
// and the three signature fields travel with the request (docs/api.md, "Transfer signatures").
// Until the certificate centre's selection window and signer are wired in, no signature is made
// and the transfer goes with PIN + OTP/security card alone (the server's interim policy lets a
// member without a certificate do so).
import { buildTransferForm, transferFormTime } from "../../../src/pki/transfer-form.ts";

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

/**
 * The certificate centre replaces this with the signing step (certificate choice + certificate
 * password, then signCms over `transferFormOf(transfer, new Date()).form`).
 */
export async function certificateSignature(
  _transfer: TransferToSign,
): Promise<TransferSignature | undefined> {
  return undefined;
}
