// A minimal DER writer (X.690 §8, §10) for the places where the ASN.1 libraries are too slow: a CRL
// of a hundred thousand entries (tens of seconds through @peculiar/x509), and what the CA writes
// for every issuance (the certificate, the CMP answer). Everything else is declared with
// @peculiar/asn1-schema.

import { concatBytes, joinBytes, toArrayBuffer } from "./bytes.ts";

function lengthOctets(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One TLV with the given tag byte around the content parts. */
export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  return tlvOf(tag, content);
}

export function tlvOf(tag: number, content: readonly Uint8Array[]): Uint8Array {
  const body = content.length === 1 ? content[0]! : joinBytes(content);
  return concatBytes(Uint8Array.of(tag), lengthOctets(body.length), body);
}

export const sequence = (...items: Uint8Array[]) => tlvOf(0x30, items);

/** The content octets of a non-negative INTEGER: no leading zeros but one that keeps it positive. */
export function unsignedIntegerContent(n: Uint8Array): Uint8Array {
  let start = 0;
  while (start < n.length - 1 && n[start] === 0) start++;
  const body = n.subarray(start);
  return body[0]! & 0x80 ? concatBytes(Uint8Array.of(0), body) : body;
}

export const unsignedInteger = (n: Uint8Array) => tlv(0x02, unsignedIntegerContent(n));

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, Zulu. */
export function time(date: Date): Uint8Array {
  const iso = date.toISOString();
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const year = date.getUTCFullYear();
  return year < 2050
    ? tlv(0x17, new TextEncoder().encode(digits.slice(2)))
    : tlv(0x18, new TextEncoder().encode(digits));
}

/** WebCrypto's ECDSA r||s as a DER ECDSA-Sig-Value (RFC 3279 §2.2.3). */
export function ecdsaToDer(raw: Uint8Array): ArrayBuffer {
  const half = raw.length / 2;
  return toArrayBuffer(sequence(unsignedInteger(raw.subarray(0, half)), unsignedInteger(raw.subarray(half))));
}

/** One element found by `readTlv`: its tag byte and where its content and the whole element end. */
export interface TlvSpan {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

/**
 * Reads the element at `offset` (DER: definite lengths, minimal, at most 4 length octets), so that
 * a message's parts can be kept as the exact bytes that were signed or MACed. Returns undefined
 * when the bytes do not hold a whole element there.
 */
export function readTlv(bytes: Uint8Array, offset: number): TlvSpan | undefined {
  if (offset + 2 > bytes.length) return undefined;
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) return undefined; // high tag numbers: none in what we read
  let length = bytes[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4 || contentStart + n > bytes.length) return undefined;
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[contentStart + i]!;
    if (length < 0x80 || bytes[contentStart] === 0) return undefined; // not minimal
    contentStart += n;
  }
  const end = contentStart + length;
  if (end > bytes.length) return undefined;
  return { tag, start: offset, contentStart, end };
}
