// CMP over HTTP from the page (RFC 6712 §3.3): one DER PKIMessage POSTed to /pki/cmp as
// application/pkixcmp, one DER PKIMessage back. CMP refusals come as PKIMessages with HTTP 200 and
// are read by the CMP client; what fails below CMP (no network, the address over its rate limit, a
// server error) becomes a CmpTransportError the page words by its code.
import type { CmpTransport } from "../../../src/pki/cmp-client.ts";

export const cmpPath = "/pki/cmp";

export type CmpTransportErrorCode = "network" | "rate_limited" | "server" | "not_cmp";

export class CmpTransportError extends Error {
  override readonly name = "CmpTransportError";
  constructor(
    readonly code: CmpTransportErrorCode,
    /** Seconds the server asks us to wait (429's Retry-After), when it said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(code);
  }
}

/** A transport to this site's CA; `signal` lets a page that is left abort the exchange. */
export function cmpTransport(signal?: AbortSignal): CmpTransport {
  return async (request) => {
    let response: Response;
    try {
      response = await fetch(cmpPath, {
        method: "POST",
        headers: { "content-type": "application/pkixcmp", accept: "application/pkixcmp" },
        body: request,
        // The CA binds a web authorisation to the member session that made it (the cookie goes along).
        credentials: "same-origin",
        cache: "no-store",
        ...(signal ? { signal } : {}),
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === "AbortError") throw e;
      throw new CmpTransportError("network");
    }
    if (response.status === 429) {
      const seconds = Number.parseInt(response.headers.get("retry-after") ?? "", 10);
      throw new CmpTransportError("rate_limited", Number.isFinite(seconds) ? seconds : undefined);
    }
    if (response.status >= 500) throw new CmpTransportError("server");
    if (!response.ok || !(response.headers.get("content-type") ?? "").startsWith("application/pkixcmp")) {
      throw new CmpTransportError("not_cmp");
    }
    return new Uint8Array(await response.arrayBuffer());
  };
}
