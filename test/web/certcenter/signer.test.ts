// The signer the selection window returns (DESIGN §5): opened with the certificate password, it
// signs once (CMS SignedData, detached, signingTime, the certificate included) and refuses a second
// time; a wrong password, and a key file of another key, are the typed errors the window shows; R
// comes out for the login's VID check.
import { ContentInfo, SignedData } from "@peculiar/asn1-cms";
import { AsnConvert } from "@peculiar/asn1-schema";
import { describe, expect, it } from "vitest";
import { utf8 } from "../../../src/pki/bytes.ts";
import { verifyCms } from "../../../src/pki/cms.ts";
import { isPkiError } from "../../../src/pki/errors.ts";
import { openSigner } from "../../../web/src/certcenter/signer.ts";
import { isCertStoreError } from "../../../web/src/certcenter/storage/errors.ts";
import { password, testPair } from "./fixtures.ts";

describe("the signer", () => {
  it("signs once, detached, with signingTime and the certificate, and hands out R", async () => {
    for (const type of [
      { kind: "RSA", modulusBits: 2048 },
      { kind: "EC", curve: "P-256" },
    ] as const) {
      const pair = await testPair(type);
      const signer = await openSigner(pair, password);
      expect(signer.certificate).toEqual(pair.certificate);
      expect(signer.vidRandom).toEqual(pair.vidRandom);
      const content = utf8('{"amount":"15000","to":"9002-1234-5678"}');
      const before = Date.now();
      const signature = await signer.signCms(content);
      const result = await verifyCms({ signature, content });
      expect(result.signer).toEqual(pair.certificate);
      expect(result.signingTime!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      // Detached: the content is not inside, so verifying needs it, and other content fails.
      const signed = AsnConvert.parse(AsnConvert.parse(signature, ContentInfo).content, SignedData);
      expect(signed.encapContentInfo.eContent).toBeUndefined();
      await expect(verifyCms({ signature, content: utf8("other") })).rejects.toThrow();
      await expect(signer.signCms(content)).rejects.toSatisfy((e) => isCertStoreError(e, "signer_used"));
    }
  });

  it("a wrong password is bad_password", async () => {
    const pair = await testPair();
    await expect(openSigner(pair, `${password}!`)).rejects.toSatisfy((e) => isPkiError(e, "bad_password"));
    await expect(openSigner(pair, password.toLowerCase())).rejects.toSatisfy((e) =>
      isPkiError(e, "bad_password"),
    );
  });

  it("a key file of another key is key_mismatch", async () => {
    const [a, b] = [await testPair(), await testPair()];
    await expect(openSigner({ certificate: a.certificate, keyFile: b.keyFile }, password)).rejects.toSatisfy(
      (e) => isPkiError(e, "key_mismatch"),
    );
  });
});
