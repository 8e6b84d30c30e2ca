// The auditor's copy of a transfer's signature (`geumgo audit transfer-signature`): the SignedData,
// the canonical form it covers and the CA chain, for any transfer of a cooperative, so that
// `openssl cms -verify` can be run on them away from the bank (docs/operations.md).
import { keptTransferSignature, signatureChain } from "../certcenter/transfer-signatures.ts";
import { toHex, toPem } from "../pki/bytes.ts";
import type { App } from "./context.ts";
import { ServerError } from "./errors.ts";
import { isDecimalId } from "./input-rules.ts";
import { type OperationArgs, stringArg } from "./operation-args.ts";

export interface TransferSignatureJson {
  cooperativeId: number;
  transferId: string;
  serial: string;
  signedAt: string;
  /** base64 of the DER SignedData. */
  signature: string;
  /** base64 of the canonical form's bytes. */
  content: string;
  /** The issuing CA then the roots, PEM. */
  chain: string[];
}

export async function transferSignatureOperation(
  app: App,
  args: OperationArgs,
): Promise<TransferSignatureJson> {
  const cooperativeId = Number(stringArg(args, "cooperative", /^[1-9][0-9]{0,8}$/));
  const transfer = stringArg(args, "transfer");
  // The column's bigint, not only its digits: a larger number is the caller's mistake, not the database's.
  if (!isDecimalId(transfer)) throw new ServerError("bad_argument", "--transfer 1 … 9223372036854775807");
  const transferId = BigInt(transfer);
  const kept = await keptTransferSignature(app.db, { cooperativeId, transferId });
  const chain = await signatureChain(app.db, kept.serial);
  return {
    cooperativeId,
    transferId: String(transferId),
    serial: toHex(kept.serial),
    signedAt: kept.signedAt.toISOString(),
    signature: Buffer.from(kept.signature).toString("base64"),
    content: Buffer.from(kept.content).toString("base64"),
    chain: chain.map((der) => toPem("CERTIFICATE", der)),
  };
}
