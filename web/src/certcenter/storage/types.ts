// One interface over every place a member keeps a certificate (DESIGN §5): this browser
// (IndexedDB), a folder in the NPKI layout (File System Access, or an origin-private directory
// handle in tests), an archive the member opens (.zip of an NPKI folder, .pfx) and, later, the
// smartphone. The selection window reads them all; issuance, renewal and reissue write to one.

export type StorageKind = "browser" | "folder" | "archive" | "phone";

/** A certificate and its key file as a store holds them; the key file is still encrypted. */
export interface StoredCertificate {
  /** Stable within its store (the NPKI subject folder name, the IndexedDB key, the archive path). */
  id: string;
  kind: StorageKind;
  /** signCert.der */
  certificate: Uint8Array;
  /** signPri.key: PKCS#8 EncryptedPrivateKeyInfo under the certificate password. */
  keyFile: Uint8Array;
}

export interface CertificateEntry {
  certificate: Uint8Array;
  keyFile: Uint8Array;
}

/**
 * A record a store holds but cannot hand out: changed by hand or damaged (a certificate that does
 * not parse, a key file that is not one, a pair with a file missing). Listed so that the selection
 * window can tell the member, rather than the certificate silently vanishing.
 */
export interface DamagedCertificate {
  id: string;
  kind: StorageKind;
  /** What is wrong, for a log or a details line; never a secret. */
  reason: string;
}

export interface CertificateStore {
  readonly kind: StorageKind;
  /** The certificates that read back whole; a damaged record is left out (see `damaged`). */
  list(): Promise<StoredCertificate[]>;
  /** The records `list` left out because they are damaged; optional, as a store may have none. */
  damaged?(): Promise<DamagedCertificate[]>;
  write(entry: CertificateEntry): Promise<StoredCertificate>;
  /** Puts `entry` in the place of `id` (renewal in this browser); a folder keeps the old one beside it. */
  replace(id: string, entry: CertificateEntry): Promise<StoredCertificate>;
  delete(id: string): Promise<void>;
}

/**
 * What the selection window hands back: the certificate and a one-shot signing function, never the
 * key. The key file is decrypted with the password, imported non-extractable, used once, dropped.
 */
export interface Signer {
  certificate: Uint8Array;
  /** The VID random R read from the key file, for certificate login; undefined when the file has none. */
  vidRandom: Uint8Array | undefined;
  /**
   * CMS SignedData (detached, signingTime, the certificate included) over `content`; once only.
   * `signingTime` defaults to this computer's clock; a caller that knows the bank's time passes it,
   * since the bank refuses a signature whose time is far from its own.
   */
  signCms(content: Uint8Array, signingTime?: Date): Promise<Uint8Array>;
}
