// The place where the certificate signature of a transfer will slot in: before
// POST /api/transfers, the member's 공동인증서 signs the transfer's canonical form as CMS
// SignedData (src/pki), and the signature travels with the request. Until then no signature is
// made and the transfer goes with PIN + OTP/security card alone.

export interface TransferToSign {
  idempotencyKey: string;
  fromAccount: string;
  toAccount: string;
  amount: string;
  memo: string | null;
}

/** The certificate centre replaces this with the signing step (certificate choice + certificate password). */
export async function certificateSignature(_transfer: TransferToSign): Promise<undefined> {
  return undefined;
}
