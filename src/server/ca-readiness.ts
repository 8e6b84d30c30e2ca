// Whether the CA can sign: its issuing key unsealed (once; issuingCa keeps it). /healthz answers
// not-ready while it cannot be. A key that does not unseal is tried again at most every 10 s, since
// each try costs 600,000 PBKDF2 iterations and a load balancer asks every few seconds.
import { issuingCa } from "../ca/context.ts";
import type { App } from "./context.ts";

const retryAfterMs = 10_000;
const failures = new WeakMap<App, { at: number; error: unknown }>();

/** Why the CA cannot sign (a CaError: bad_passphrase, ca_missing), or undefined when it can. */
export async function caNotReady(app: App): Promise<unknown> {
  // An app over a database without a CA (tests of the bank alone) has no CA to be ready.
  if (app.setup.caKeys.length === 0) return undefined;
  const last = failures.get(app);
  if (last && performance.now() - last.at < retryAfterMs) return last.error;
  try {
    await issuingCa(app.ca);
    failures.delete(app);
    return undefined;
  } catch (e) {
    failures.set(app, { at: performance.now(), error: e });
    return e;
  }
}
