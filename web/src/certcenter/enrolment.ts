// Issuance and renewal from the browser's side, in DESIGN §5's order: the key made in the worker,
// the CMP request sent by our client (src/pki/cmp-client.ts), the certificate stored where the
// member chose, and only then confirmed (certConf). A store that fails makes the client reject the
// certificate (the CA revokes it) and leaves the member's store as it was. A renewal carries R over
// (the CA keeps the VID), is signed by the current key (the selection window's signer, whose key
// file it decrypted once; or decrypted here with the certificate password; imported non-extractable
// either way, used for the kur alone), and keeps the current certificate until the new one
// is confirmed: then this browser's copy is replaced, while a folder or .zip keeps the old one
// beside the new. If the confirmation fails after the new one was stored, the store is put back.

import { equalBytes } from "../../../src/pki/bytes.ts";
import {
  type CmpClock,
  type CmpTransport,
  type Enrolled,
  enrol,
  renew,
} from "../../../src/pki/cmp-client.ts";
import { certificateMatchesKey } from "../../../src/pki/cms.ts";
import { PkiError } from "../../../src/pki/errors.ts";
import { decryptKeyFile } from "../../../src/pki/key-file.ts";
import { getRandomNum, importSigningKey, type KeyAlgorithm } from "../../../src/pki/private-key.ts";
import { generateKeyInWorker } from "./keygen.ts";
import type { KeygenProgress, KeygenRequest, KeygenResult } from "./keygen-job.ts";
import type { CertificateStore, StoredCertificate } from "./storage/types.ts";

/** Makes the key: the worker in the browser; tests in Node pass runKeygenJob. */
export type Keygen = (
  request: KeygenRequest,
  options: { onProgress?: (p: KeygenProgress) => void; signal?: AbortSignal },
) => Promise<KeygenResult>;

interface Common {
  send: CmpTransport;
  store: CertificateStore;
  algorithm?: KeyAlgorithm;
  onProgress?: (p: KeygenProgress) => void;
  signal?: AbortSignal;
  keygen?: Keygen;
  /** The time the CMP messages carry; this computer's clock when absent (see web/src/lib/server-time.ts). */
  now?: CmpClock;
}

export interface Issued {
  stored: StoredCertificate;
  caCertificates: Uint8Array[];
}

/** Issuance with a web authorisation or a teller's slip (reference number and authorisation code). */
export async function issueAndStore(
  o: Common & {
    referenceNumber: string;
    authorizationCode: string;
    /** The certificate password the member set (checked against the rules by the page and the worker). */
    password: string;
    caCertificate?: Uint8Array;
  },
): Promise<Issued> {
  const keygen = o.keygen ?? generateKeyInWorker;
  const job = await keygen(
    { password: o.password, ...(o.algorithm ? { algorithm: o.algorithm } : {}) },
    progress(o),
  );
  let stored: StoredCertificate | undefined;
  const enrolled = await enrol({
    send: o.send,
    referenceNumber: o.referenceNumber,
    authorizationCode: o.authorizationCode,
    keys: { publicKey: job.publicKey, privateKey: job.privateKey },
    vidRandom: job.vidRandom,
    ...(o.caCertificate ? { caCertificate: o.caCertificate } : {}),
    ...(o.now ? { now: o.now } : {}),
    store: async ({ certificate }) => {
      stored = await o.store.write({ certificate, keyFile: job.keyFile });
    },
  }).catch(async (e: unknown) => {
    // R in the clear is needed no more (sealed for the CA, kept in the encrypted key file).
    job.vidRandom.fill(0);
    // Stored, then the confirmation failed: the CA will revoke it, so it must not stay listed.
    if (stored) await removeCertificate(o.store, stored.certificate).catch(() => undefined);
    throw e;
  });
  return { stored: stored!, caCertificates: enrolled.caCertificates };
}

/** Renewal (갱신): a new key, a kur signed by the current one, the new certificate stored, then confirmed. */
export async function renewAndStore(
  o: Common & {
    current: StoredCertificate;
    /** The current certificate's password. */
    password: string;
    /** The new key file's password; the current one's when absent. */
    newPassword?: string;
    caCertificate: Uint8Array;
    /**
     * The current key as the selection window opened it (checked against the certificate there),
     * with the R it read: the key file is then not decrypted again (600,000 PBKDF2 rounds).
     */
    currentKey?: { key: CryptoKey; vidRandom: Uint8Array | undefined };
  },
): Promise<Issued> {
  const { key, vidRandom } = o.currentKey ?? (await openCurrentKey(o.current, o.password));
  const keygen = o.keygen ?? generateKeyInWorker;
  const job = await keygen(
    {
      password: o.newPassword ?? o.password,
      ...(o.algorithm ? { algorithm: o.algorithm } : {}),
      ...(vidRandom ? { vidRandom } : {}),
    },
    progress(o),
  );
  let stored: StoredCertificate | undefined;
  let enrolled: Enrolled;
  try {
    enrolled = await renew({
      send: o.send,
      certificate: o.current.certificate,
      key,
      newKeys: { publicKey: job.publicKey, privateKey: job.privateKey },
      caCertificate: o.caCertificate,
      ...(o.now ? { now: o.now } : {}),
      store: async ({ certificate }) => {
        stored = await o.store.write({ certificate, keyFile: job.keyFile });
      },
    });
  } catch (e) {
    if (stored) await restore(o.store, o.current, stored.certificate).catch(() => undefined);
    throw e;
  }
  // Confirmed: the old certificate is superseded. A folder or .zip keeps it beside the new one
  // (the write moved it aside); this browser keeps only the new one.
  if (!npkiLayout(o.store) && stored!.id !== o.current.id) {
    await o.store.delete(o.current.id).catch(() => undefined);
  }
  return { stored: stored!, caCertificates: enrolled.caCertificates };
}

/** The current key from its key file: decrypted, R read, imported non-extractable, checked. */
async function openCurrentKey(
  current: StoredCertificate,
  password: string,
): Promise<{ key: CryptoKey; vidRandom: Uint8Array | undefined }> {
  const { pkcs8 } = await decryptKeyFile(current.keyFile, password);
  let key: CryptoKey;
  let vidRandom: Uint8Array | undefined;
  try {
    vidRandom = getRandomNum(pkcs8)?.slice();
    key = await importSigningKey(pkcs8);
  } finally {
    pkcs8.fill(0);
  }
  if (!(await certificateMatchesKey(current.certificate, key))) {
    throw new PkiError("key_mismatch", "the key file does not belong to the certificate");
  }
  return { key, vidRandom };
}

/** Stores in the NPKI layout, where a renewal is written beside the old certificate. */
function npkiLayout(store: CertificateStore): boolean {
  return store.kind === "folder" || store.kind === "archive";
}

function progress(o: Common): { onProgress?: (p: KeygenProgress) => void; signal?: AbortSignal } {
  return { ...(o.onProgress ? { onProgress: o.onProgress } : {}), ...(o.signal ? { signal: o.signal } : {}) };
}

async function removeCertificate(store: CertificateStore, certificate: Uint8Array): Promise<void> {
  for (const c of await store.list()) {
    if (equalBytes(c.certificate, certificate)) await store.delete(c.id);
  }
}

/**
 * Removes the unconfirmed new certificate. In a folder or .zip, its write had moved the current one
 * aside: that is put back in the standard folder, and the copy aside removed. This browser kept the
 * current one untouched (and another tab that renewed it first may have removed it since:
 * it is not put back).
 */
async function restore(
  store: CertificateStore,
  current: StoredCertificate,
  unconfirmed: Uint8Array,
): Promise<void> {
  if (npkiLayout(store)) {
    const back = await store.write({ certificate: current.certificate, keyFile: current.keyFile });
    for (const c of await store.list()) {
      if (c.id !== back.id && equalBytes(c.certificate, current.certificate)) await store.delete(c.id);
    }
  }
  await removeCertificate(store, unconfirmed);
}
