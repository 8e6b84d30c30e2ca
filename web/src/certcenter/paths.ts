// The certificate centre's addresses, known to the member site's first page without loading the
// centre itself (member/App.tsx decides what to load from them).

/** Every page of the centre lives under this path. */
export const certcenterRoot = "/certcenter";

/** The paths anyone may open, logged in or not: the login page links to them. */
export const publicCertcenterPaths: readonly string[] = ["/certcenter/guide", "/certcenter/faq"];

export function isCertcenterPath(path: string): boolean {
  return path === certcenterRoot || path.startsWith(`${certcenterRoot}/`);
}
