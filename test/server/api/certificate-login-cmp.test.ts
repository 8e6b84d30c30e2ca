// Certificate login with a certificate enrolled the way the browser enrols it: an issuance
// authorisation from the RA, our CMP client with a fresh key and R (sealed for the CA, which
// computes the VID from the member's number it holds), then the login over real HTTP with the same
// key and R. Nothing of the test's own makes the VID.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeForUser } from "../../../src/certcenter/authorize.ts";
import { enrol } from "../../../src/pki/cmp-client.ts";
import { signCms } from "../../../src/pki/cms.ts";
import { generateKeyPair } from "../../../src/pki/csr.ts";
import { signLoginForm } from "../../../src/pki/login-form.ts";
import { type CaServer, startCaServer } from "../../support/ca-server.ts";

describe.each(["pglite", "postgres"] as const)("certificate login after a CMP enrolment (%s)", (kind) => {
  let s: CaServer;
  beforeAll(async () => {
    s = await startCaServer(kind);
  }, 60_000);
  afterAll(async () => s?.close());

  async function post(path: string, body?: unknown) {
    const r = await fetch(`${s.url}${path}`, {
      method: "POST",
      ...(body === undefined
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    return {
      status: r.status,
      json: (await r.json()) as Record<string, unknown>,
      cookie: r.headers.get("set-cookie"),
    };
  }

  it("logs the member in with the enrolled key and R, and refuses the other member's R", async () => {
    const [hong, kim] = s.users as [CaServer["users"][number], CaServer["users"][number]];
    const send = (der: Uint8Array<ArrayBuffer>) => s.cmp(der);
    const enrolled = async (userId: string) => {
      const auth = await authorizeForUser(s.app, {
        userId,
        purpose: "bank",
        channel: "web",
        actor: "member",
      });
      const keys = await generateKeyPair({ algorithm: "RSA" });
      const vidRandom = crypto.getRandomValues(new Uint8Array(20));
      const { certificate } = await enrol({ send, ...auth, keys, vidRandom });
      return {
        certificate,
        vidRandom,
        signCms: (content: Uint8Array) => signCms({ content, certificate, privateKey: keys.privateKey }),
      };
    };
    const hongSigner = await enrolled(hong.userId);
    const kimSigner = await enrolled(kim.userId);
    const origin = s.url;

    const c1 = (await post("/api/auth/certificate/challenge")).json.challenge as string;
    const ok = await post(
      "/api/auth/certificate/login",
      await signLoginForm(hongSigner, { challenge: c1, origin }),
    );
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    expect(ok.json.userId).toBe(hong.userId);
    expect(ok.cookie).toMatch(/^geumgo_session=/);

    const c2 = (await post("/api/auth/certificate/challenge")).json.challenge as string;
    const wrongR = await post(
      "/api/auth/certificate/login",
      await signLoginForm({ ...hongSigner, vidRandom: kimSigner.vidRandom }, { challenge: c2, origin }),
    );
    expect(wrongR.status).toBe(401);
    expect((wrongR.json.error as { code: string }).code).toBe("vid_mismatch");

    const c3 = (await post("/api/auth/certificate/challenge")).json.challenge as string;
    const kimIn = await post(
      "/api/auth/certificate/login",
      await signLoginForm(kimSigner, { challenge: c3, origin }),
    );
    expect(kimIn.json.userId).toBe(kim.userId);
  }, 60_000);
});
