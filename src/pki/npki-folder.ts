// The names of the NPKI storage layout (KISA KCAC.TS.UI): NPKI/<CA>/USER/<subject>/signCert.der +
// signPri.key, with kmCert.der + kmPri.key (the key-management pair) beside them where a CA issued
// one. The subject folder is the subject DN most-specific first with lower-case attribute types, as
// NPKI software writes it ("cn=홍길동()0011…,ou=KFB,ou=personal4IB,o=yessign,c=kr"); the CA folder
// is the issuer's organisation ("yessign", "KICA", "SignKorea", "CrossCert"). Pure names, no file
// system: the CLI (src/cli/npki) and the browser's folder and .zip stores share them.
import { parseCertificate } from "./certificate.ts";

export const npkiRootName = "NPKI";
export const npkiUserFolderName = "USER";
export const npkiCertFileName = "signCert.der";
export const npkiKeyFileName = "signPri.key";
/** The key-management pair some CAs issue beside the signing pair; never used to sign. */
export const npkiKmCertFileName = "kmCert.der";
export const npkiKmKeyFileName = "kmPri.key";

/** A name that is safe as one path segment on Windows, macOS and Linux alike. */
export function npkiSafeSegment(text: string): string {
  const cleaned = [...text]
    .map((c) => (c.charCodeAt(0) < 0x20 || '/\\:*?"<>|'.includes(c) ? "_" : c))
    .join("")
    .trim();
  return cleaned === "" || cleaned === "." || cleaned === ".." ? "_" : cleaned;
}

/** The CA folder: the issuer's O (its CN when it has none). */
export function npkiCaFolderName(certificate: Uint8Array): string {
  const cert = parseCertificate(certificate);
  return npkiSafeSegment(cert.issuerName.getField("O")[0] ?? cert.issuerName.getField("CN")[0] ?? "CA");
}

/** The subject folder: the DN most-specific first, `type=value` joined by commas, types in lower case. */
export function npkiSubjectFolderName(certificate: Uint8Array): string {
  const rdns = parseCertificate(certificate).subjectName.toJSON();
  const subject = [...rdns]
    .reverse()
    .flatMap((rdn) =>
      Object.entries(rdn).map(([type, values]) => `${type.toLowerCase()}=${values.join("+")}`),
    )
    .join(",");
  return npkiSafeSegment(subject);
}

/** The path segments of the certificate's folder: ["NPKI", CA, "USER", subject]. */
export function npkiFolderSegments(certificate: Uint8Array): [string, string, string, string] {
  return [
    npkiRootName,
    npkiCaFolderName(certificate),
    npkiUserFolderName,
    npkiSubjectFolderName(certificate),
  ];
}
