// A renewal from the page's side (wiring.ts renewAndStore), in Chromium with the real key worker:
// the kur is signed with the key the selection window's signer opened, so the key file is not
// decrypted a second time (600,000 PBKDF2 rounds each time is slow on a phone), and the signer is
// spent by it. The server is stood in for by a fetch that hands out the CA certificate and keeps
// the CMP request it is sent.
import { afterEach, describe, expect, it } from "vitest";
import { base64Encode, utf8 } from "../../../src/pki/bytes.ts";
import { parsePkiMessage, verifySignatureProtection } from "../../../src/pki/cmp.ts";
import { openSigner } from "../../../web/src/certcenter/signer.ts";
import { isCertStoreError } from "../../../web/src/certcenter/storage/errors.ts";
import type { CertificateStore, StoredCertificate } from "../../../web/src/certcenter/storage/types.ts";
import { renewAndStore } from "../../../web/src/certcenter/wiring.ts";
import { password, sharedCa, testPair } from "./fixtures.ts";

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

function untouchedStore(): CertificateStore {
  const refuse = async (): Promise<never> => {
    throw new Error("nothing is written in this test");
  };
  return { kind: "browser", list: async () => [], write: refuse, replace: refuse, delete: refuse };
}

describe("a renewal from the selection window", () => {
  it("signs the kur with the window's signer: the key file is decrypted once, and the signer is spent", async () => {
    const ca = await sharedCa();
    const pair = await testPair();
    const signer = await openSigner(pair, password);
    // Decrypting this again would fail at once: the kur can only be signed with the signer's key.
    const current: StoredCertificate = {
      id: "current",
      kind: "browser",
      certificate: pair.certificate,
      keyFile: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]),
    };
    const sent: Uint8Array[] = [];
    globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      if (url.endsWith("/api/certcenter/certificates")) {
        return Response.json({ certificates: [], caCertificate: base64Encode(ca.issuing) });
      }
      if (url.endsWith("/pki/cmp")) {
        sent.push(new Uint8Array(init?.body as Uint8Array));
        return new Response("down for the test", { status: 503 });
      }
      return realFetch(input, init);
    };
    const steps: string[] = [];
    await expect(
      renewAndStore({
        current,
        store: untouchedStore(),
        signer,
        password,
        onProgress: (step) => steps.push(step),
      }),
    ).rejects.toMatchObject({ name: "CmpTransportError", code: "server" });
    // The new key was made (the worker, under the same password), then one kur went out, signed by
    // the current certificate's key.
    expect(steps).toEqual(["keys", "enrol"]);
    expect(sent).toHaveLength(1);
    const kur = parsePkiMessage(sent[0]!);
    expect(kur.bodyType).toBe("kur");
    expect(await verifySignatureProtection(kur, pair.certificate)).toBe(true);
    // One operation per opening: the signer cannot sign anything else now.
    await expect(signer.signCms(utf8("x"))).rejects.toSatisfy((e) => isCertStoreError(e, "signer_used"));
  });
});
