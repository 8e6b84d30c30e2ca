// The CA's issuing certificate as the server hands it (GET /api/certcenter/certificates), which our
// CMP client checks the CA's answers against. It is fetched before anything is sent to the CA, so a
// failure here has its own code: nothing is issued or charged, and the same step can be tried again.
// Asked just before each CMP exchange, its answer's Date header also sets the time the exchange's
// messages carry (server-time.ts).
import { base64Decode } from "../../../src/pki/bytes.ts";
import { noteServerDate } from "../lib/server-time.ts";

export type CaCertificateErrorCode = "ca_certificate_unavailable";

export class CaCertificateError extends Error {
  override readonly name = "CaCertificateError";
  readonly code: CaCertificateErrorCode = "ca_certificate_unavailable";
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

/** The CA certificate, DER; CaCertificateError when the network or the server fails to give it. */
export async function fetchCaCertificate(signal?: AbortSignal): Promise<Uint8Array> {
  let body: { caCertificate?: unknown };
  try {
    const sentAt = Date.now();
    const response = await fetch("/api/certcenter/certificates", {
      credentials: "same-origin",
      cache: "no-store",
      headers: { accept: "application/json" },
      ...(signal ? { signal } : {}),
    });
    noteServerDate(response, sentAt);
    if (!response.ok) throw new CaCertificateError(`the server answered ${response.status}`);
    body = (await response.json()) as { caCertificate?: unknown };
  } catch (e) {
    // The page was left: not a failure to word, the exchange is simply over.
    if (isAbort(e) || e instanceof CaCertificateError) throw e;
    throw new CaCertificateError("the CA certificate could not be fetched", { cause: e });
  }
  if (typeof body.caCertificate !== "string") throw new CaCertificateError("no CA certificate in the answer");
  try {
    return base64Decode(body.caCertificate);
  } catch (e) {
    throw new CaCertificateError("the CA certificate is not base64", { cause: e });
  }
}

/** Whether a failure left nothing sent to the CA, so the member may simply try the same step again. */
export function isRetryableFailure(error: unknown): boolean {
  return error instanceof CaCertificateError;
}
