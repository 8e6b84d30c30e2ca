// The transfer page's side of the signature: the form it would sign is the one the server rebuilds
// from the same request (accounts as the page sends them, formatted; the challenge's nonce).
import { describe, expect, it } from "vitest";
import { buildTransferForm } from "../../src/pki/transfer-form.ts";
import {
  holdsCertificateInForce,
  signTransfer,
  transferFormOf,
} from "../../web/src/member/certificate-step.ts";

describe("the transfer page's form to sign", () => {
  it("is the server's canonical form of the request, accounts without dashes", () => {
    const nonce = "q8J5z3b-Vw_0RkM2n1YtXaq8J5z3b-Vw_0RkM2n1Yt";
    const { form, signedAt } = transferFormOf(
      {
        idempotencyKey: "form-3f9a1c7e-0001",
        fromAccount: "9002-0000-1000-3",
        toAccount: "9003 0000 1000 9",
        amount: "30000",
        memo: "모임회비",
        nonce,
      },
      new Date("2026-11-25T12:00:00.750+09:00"),
    );
    expect(signedAt).toBe("2026-11-25T03:00:00Z");
    expect(Buffer.from(form).toString("utf8")).toBe(
      Buffer.from(
        buildTransferForm({
          from: "9002000010003",
          to: "9003000010009",
          amount: "30000",
          memo: "모임회비",
          time: "2026-11-25T03:00:00Z",
          idempotencyKey: "form-3f9a1c7e-0001",
          nonce,
        }),
      ).toString("utf8"),
    );
  });

  it("hands the signer exactly that form, signed as of the form's time, and sends its signature with that time and nonce", async () => {
    const signed: Uint8Array[] = [];
    const times: (Date | undefined)[] = [];
    const signer = {
      certificate: new Uint8Array([1]),
      vidRandom: undefined,
      async signCms(content: Uint8Array, signingTime?: Date) {
        signed.push(content);
        times.push(signingTime);
        return new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05]);
      },
    };
    const transfer = {
      idempotencyKey: "form-3f9a1c7e-0002",
      fromAccount: "9002-0000-1000-3",
      toAccount: "9003-0000-1000-9",
      amount: "12000",
      memo: null,
      nonce: "q8J5z3b-Vw_0RkM2n1YtXaq8J5z3b-Vw_0RkM2n1Yt",
    };
    const at = new Date("2026-11-25T03:00:07Z");
    const signature = await signTransfer(signer, transfer, at);
    expect(signature).toEqual({
      signature: "MAMCAQU=",
      signedAt: "2026-11-25T03:00:07Z",
      signatureNonce: transfer.nonce,
    });
    expect(signed).toEqual([transferFormOf(transfer, at).form]);
    // The page passes the bank's time as `at`; the CMS signingTime must be that, not this computer's clock.
    expect(times).toEqual([at]);
  });
});

describe("whether the page asks for a signature", () => {
  it("asks when the member holds a certificate the server calls valid, not for one on hold, revoked or expired", () => {
    expect(holdsCertificateInForce([])).toBe(false);
    expect(holdsCertificateInForce([{ status: "hold" }, { status: "revoked" }, { status: "expired" }])).toBe(
      false,
    );
    expect(holdsCertificateInForce([{ status: "pending" }, { status: "valid" }])).toBe(true);
  });
});
