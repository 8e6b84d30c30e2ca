// The certificate login form (DESIGN §4 "Certificate use", §5): the bytes a member's browser signs
// to log in, built the same way by the browser and by the server, which rebuilds them from the
// challenge it issued and its own configured origin rather than trusting anything sent.
//
// The form is UTF-8 JSON with its keys sorted and no whitespace, every value a string:
//
//   {"challenge":"<base64url, as issued>","origin":"<scheme://host[:port]>","purpose":"geumgo-login"}
//
// `purpose` keeps a login signature from being taken for any other signed form of ours (a transfer
// form has no such key), and `origin` binds it to the bank it was made for: a page elsewhere that
// relays our challenge gets a signature over its own origin, which we refuse.
// The signature is CMS SignedData (RFC 5652), detached, with signingTime and the signer's
// certificate: what Signer.signCms makes (web/src/certcenter/storage/types.ts) and cms.ts verifies.
import { base64Encode, utf8 } from "./bytes.ts";
import { PkiError } from "./errors.ts";

export const loginPurpose = "geumgo-login";

export interface LoginFormFields {
  /** The challenge as the server issued it (base64url, no padding). */
  challenge: string;
  /** The bank's origin, `scheme://host[:port]`, as URL.origin gives it. */
  origin: string;
}

/** A challenge as the server issues it: base64url without padding, 22 to 128 characters. */
const challengePattern = /^[A-Za-z0-9_-]{22,128}$/;

/**
 * An origin in the one spelling both sides use: what `new URL(x).origin` gives (lower-case scheme
 * and host, no default port, no path). Throws malformed for anything that is not an http(s) URL.
 */
export function canonicalOrigin(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (e) {
    throw new PkiError("malformed", "the origin is not a URL", { cause: e });
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new PkiError("malformed", "the origin is not an http or https URL");
  }
  return parsed.origin;
}

/** The form as text: sorted keys, no spaces (JSON.stringify writes keys in the order given). */
export function loginFormText(fields: LoginFormFields): string {
  if (!challengePattern.test(fields.challenge)) {
    throw new PkiError("malformed", "the challenge is not a base64url string as issued");
  }
  const origin = canonicalOrigin(fields.origin);
  return JSON.stringify({ challenge: fields.challenge, origin, purpose: loginPurpose });
}

/** The exact bytes signed: the form's text in UTF-8. */
export function loginFormBytes(fields: LoginFormFields): Uint8Array<ArrayBuffer> {
  return utf8(loginFormText(fields));
}

/** What the selection window's Signer offers that a login needs (storage/types.ts Signer). */
export interface LoginSigner {
  certificate: Uint8Array;
  vidRandom: Uint8Array | undefined;
  signCms(content: Uint8Array): Promise<Uint8Array>;
}

/** The body of POST /api/auth/certificate/login, bytes in base64. */
export interface CertificateLoginBody {
  challenge: string;
  certificate: string;
  signature: string;
  vidRandom: string;
}

/**
 * Signs the login form for `challenge` at `origin` (in the browser, `location.origin`) and returns
 * the login request's body. A key file without R gives an empty vidRandom, which the server refuses
 * with no_identify_data: the member learns why rather than meeting a silent failure here.
 */
export async function signLoginForm(
  signer: LoginSigner,
  fields: LoginFormFields,
): Promise<CertificateLoginBody> {
  const signature = await signer.signCms(loginFormBytes(fields));
  return {
    challenge: fields.challenge,
    certificate: base64Encode(signer.certificate),
    signature: base64Encode(signature),
    vidRandom: signer.vidRandom ? base64Encode(signer.vidRandom) : "",
  };
}
