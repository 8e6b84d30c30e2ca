// Issue 14's order, against the running CA: the key made by the browser's key generation job (run
// here in Node on WebCrypto, the same code the worker runs), the certificate enrolled by our CMP
// client and stored where the member chose, and only then confirmed (certConf). While it is being
// stored the CA holds it as pending; a store that fails makes the client reject it (certConf with
// status rejection), so the CA revokes it and nothing half-issued stays valid; the same for a
// renewal, whose old certificate then stays valid. What the browser's .zip store wrote opens with
// `geumgo npki` (list, inspect, check-vid), OpenSSL (x509, verify, pkcs8 with SEED from its legacy
// provider) and Info-ZIP; a zip made by Info-ZIP opens in the browser's reader.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issuingCa } from "../../src/ca/context.ts";
import { caMaintenance } from "../../src/ca/maintenance.ts";
import { authorizeForUser } from "../../src/certcenter/authorize.ts";
import { releaseUnusedFees } from "../../src/certcenter/fees.ts";
import { enrol, renew } from "../../src/pki/cmp-client.ts";
import { isPkiError } from "../../src/pki/errors.ts";
import { npkiFolderSegments } from "../../src/pki/npki-folder.ts";
import { verifyVid } from "../../src/pki/vid.ts";
import { issueAndStore, renewAndStore } from "../../web/src/certcenter/enrolment.ts";
import { browserKeyFileIterations, runKeygenJob } from "../../web/src/certcenter/keygen-job.ts";
import { openSigner } from "../../web/src/certcenter/signer.ts";
import { writeNpkiZip, ZipCertificateStore } from "../../web/src/certcenter/storage/archive.ts";
import { CertStoreError } from "../../web/src/certcenter/storage/errors.ts";
import { runCli } from "../cli/run-cli.ts";
import { type CaServer, startCaServer } from "../support/ca-server.ts";
import { dbKinds } from "../support/db.ts";

const password = "Gm7#kq2!Rv9z";
const day = 86_400_000;

describe.each(dbKinds)("store, then certConf (%s)", (kind) => {
  let s: CaServer;
  let caCertificate: Uint8Array;
  const send = (der: Uint8Array<ArrayBuffer>) => s.cmp(der);
  const authorize = (userId: string, purpose: "bank" | "universal") =>
    authorizeForUser(s.app, { userId, purpose, channel: "web", actor: "member" });
  const status = async (certificate: Uint8Array) =>
    (
      await s.app.db.query<{ status: string; revocation_reason: string | null }>(
        "SELECT status, revocation_reason FROM certificates WHERE der = $1",
        [Buffer.from(certificate)],
      )
    ).rows[0];

  beforeAll(async () => {
    // Enrolments happen 340 days ago, so that the renewal test can renew now, within its window.
    s = await startCaServer(kind, { at: new Date(Date.now() - 340 * day) });
    caCertificate = (await issuingCa(s.app.ca)).certificate;
  }, 120_000);
  afterAll(async () => s?.close());

  it("stores the certificate while the CA holds it pending, confirms it after; the files open everywhere", async () => {
    const user = s.users[0]!;
    const auth = await authorize(user.userId, "bank");
    const job = await runKeygenJob({ password });
    const order: string[] = [];
    let zip: Uint8Array | undefined;
    const { certificate } = await enrol({
      send: async (der) => {
        order.push("send");
        return send(der);
      },
      ...auth,
      keys: { publicKey: job.publicKey, privateKey: job.privateKey },
      vidRandom: job.vidRandom,
      store: async ({ certificate }) => {
        order.push("store");
        expect((await status(certificate))?.status).toBe("pending");
        zip = writeNpkiZip([{ certificate, keyFile: job.keyFile }]);
      },
    });
    // ir, then the store, then certConf.
    expect(order).toEqual(["send", "store", "send"]);
    expect((await status(certificate))?.status).toBe("valid");

    // The .zip as the member downloads it, unpacked by Info-ZIP.
    const dir = mkdtempSync(join(tmpdir(), "geumgo-store-files-"));
    writeFileSync(join(dir, "npki.zip"), zip!);
    execFileSync("unzip", ["-q", "npki.zip"], { cwd: dir });
    const folder = join(dir, ...npkiFolderSegments(certificate));
    expect(readFileSync(join(folder, "signCert.der"))).toEqual(Buffer.from(certificate));

    // geumgo npki: finds it, reads the key file's protection, checks the VID with R from the file.
    const list = await runCli(["npki", "list", join(dir, "NPKI"), "--json"]);
    expect(list.code, list.stderr).toBe(0);
    const found = JSON.parse(list.stdout).certificates;
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path: folder, hasKey: true, hasVid: true, realName: user.realName });
    const inspect = await runCli(["npki", "inspect", folder, "--json"]);
    expect(JSON.parse(inspect.stdout).keyFile).toMatchObject({
      kind: "pbes2",
      iterations: browserKeyFileIterations,
      outdated: false,
    });
    const pw = join(dir, "pw.txt");
    const rrnFile = join(dir, "rrn.txt");
    writeFileSync(pw, password);
    writeFileSync(rrnFile, user.rrn);
    const vid = await runCli([
      "npki",
      "check-vid",
      folder,
      "--password-file",
      pw,
      "--rrn-file",
      rrnFile,
      "--json",
    ]);
    expect(vid.code, vid.stderr).toBe(0);
    expect(JSON.parse(vid.stdout)).toEqual({ match: true });

    // OpenSSL: the certificate chains to the CA; the key file decrypts (SEED needs the legacy
    // provider) to the key the certificate certifies.
    const cert = join(folder, "signCert.der");
    const pem = await s.openssl(["x509", "-inform", "DER", "-in", cert, "-out", join(dir, "cert.pem")]);
    expect(pem.status, pem.output).toBe(0);
    const verify = await s.openssl(["verify", "-CAfile", s.files.chain, join(dir, "cert.pem")]);
    expect(verify.stdout).toContain(": OK");
    const key = await s.openssl([
      "pkcs8",
      ...["-inform", "DER", "-in", join(folder, "signPri.key"), "-passin", `file:${pw}`],
      ...["-out", join(dir, "key.pem"), "-provider", "legacy", "-provider", "default"],
    ]);
    expect(key.status, key.output).toBe(0);
    const keyPub = await s.openssl(["pkey", "-in", join(dir, "key.pem"), "-pubout"]);
    const certPub = await s.openssl(["x509", "-in", join(dir, "cert.pem"), "-noout", "-pubkey"]);
    expect(keyPub.stdout).toContain("BEGIN PUBLIC KEY");
    expect(keyPub.stdout).toBe(certPub.stdout);
    // Info-ZIP tests the archive and finds nothing wrong.
    expect(execFileSync("unzip", ["-t", "npki.zip"], { cwd: dir }).toString()).toContain(
      "No errors detected",
    );

    // The other way: Info-ZIP zips the folder (deflate), and the browser's reader opens it.
    mkdirSync(join(dir, "again"));
    execFileSync("zip", ["-q", "-r", join(dir, "again", "byzip.zip"), "NPKI"], { cwd: dir });
    const byZip = await ZipCertificateStore.open(
      new Uint8Array(readFileSync(join(dir, "again", "byzip.zip"))),
    );
    const listed = await byZip.list();
    expect(listed.map((c) => c.certificate)).toEqual([certificate]);
    // And it signs with what it read.
    const signer = await openSigner(listed[0]!, password);
    expect(signer.vidRandom).toEqual(job.vidRandom);
  });

  it("a store that fails rejects the certificate: the CA revokes it, and the store's error comes back", async () => {
    const auth = await authorize(s.users[1]!.userId, "bank");
    const job = await runKeygenJob({ password, algorithm: "EC", iterations: 10_000 });
    let stored: Uint8Array | undefined;
    const full = new CertStoreError("store_full", "the storage quota is used up");
    await expect(
      enrol({
        send,
        ...auth,
        keys: { publicKey: job.publicKey, privateKey: job.privateKey },
        vidRandom: job.vidRandom,
        store: async ({ certificate }) => {
          stored = certificate;
          throw full;
        },
      }),
    ).rejects.toBe(full);
    expect(await status(stored!)).toEqual({ status: "revoked", revocation_reason: "cessationOfOperation" });
  });

  it("a renewal whose store fails is revoked, and the old certificate stays valid", async () => {
    const auth = await authorize(s.users[1]!.userId, "bank");
    const first = await runKeygenJob({ password, algorithm: "EC", iterations: 10_000 });
    const keys = { publicKey: first.publicKey, privateKey: first.privateKey };
    const { certificate } = await enrol({ send, ...auth, keys, vidRandom: first.vidRandom });
    // Renewal opens 30 days before expiry: now, for a certificate issued 340 days ago.
    const then = s.clock.at;
    s.clock.at = new Date();
    try {
      const next = await runKeygenJob({ password, algorithm: "EC", iterations: 10_000 });
      const newKeys = { publicKey: next.publicKey, privateKey: next.privateKey };
      let renewed: Uint8Array | undefined;
      await expect(
        renew({
          send,
          certificate,
          key: first.privateKey,
          newKeys,
          caCertificate,
          store: async (e) => {
            renewed = e.certificate;
            expect((await status(e.certificate))?.status).toBe("pending");
            throw new CertStoreError("folder_denied", "write access to the folder was not allowed");
          },
        }),
      ).rejects.toSatisfy((e) => e instanceof CertStoreError && e.code === "folder_denied");
      expect((await status(renewed!))?.status).toBe("revoked");
      expect((await status(certificate))?.status).toBe("valid");
      // Tried again with a new key (the CA certifies a key once) and stored: confirmed, the old one superseded.
      const retry = await runKeygenJob({ password, algorithm: "EC", iterations: 10_000 });
      const again = await renew({
        send,
        certificate,
        key: first.privateKey,
        newKeys: { publicKey: retry.publicKey, privateKey: retry.privateKey },
        caCertificate,
        store: async () => {},
      });
      expect((await status(again.certificate))?.status).toBe("valid");
      expect(await status(certificate)).toEqual({ status: "revoked", revocation_reason: "superseded" });
    } finally {
      s.clock.at = then;
    }
  });

  it("issueAndStore and renewAndStore: stored then confirmed; a failed confirmation leaves the store as it was", async () => {
    const user = s.users[0]!;
    const auth = await authorize(user.userId, "universal");
    const store = ZipCertificateStore.empty();
    const keygen = (request: Parameters<typeof runKeygenJob>[0]) =>
      runKeygenJob({ ...request, iterations: 10_000 });
    const { stored } = await issueAndStore({
      send,
      store,
      keygen,
      ...auth,
      password,
      algorithm: "EC",
      caCertificate,
    });
    expect((await status(stored.certificate))?.status).toBe("valid");
    expect(await store.list()).toEqual([stored]);
    const r = (await openSigner(stored, password)).vidRandom!;
    expect(await verifyVid({ certificate: stored.certificate, rrn: user.rrn, random: r })).toBe(true);

    const then = s.clock.at;
    s.clock.at = new Date();
    try {
      // The connection drops at the certConf: the new certificate was stored, and is taken out again.
      let sent = 0;
      const dropping = async (der: Uint8Array<ArrayBuffer>) => {
        if (++sent === 2) throw new Error("the connection dropped before certConf");
        return send(der);
      };
      // A universal certificate's renewal is paid for first (the RA holds the fee; the CA checks).
      await s.payRenewal(stored.certificate);
      await expect(
        renewAndStore({ send: dropping, store, keygen, current: stored, password, caCertificate }),
      ).rejects.toThrow(/dropped/);
      expect(await store.list()).toEqual([stored]);
      expect((await status(stored.certificate))?.status).toBe("valid");

      // The fee stays with the unconfirmed renewal until the CA gives up on its certConf (15
      // minutes) and the scheduler releases it; then the member pays and renews again.
      s.clock.advance(16 * 60_000);
      await caMaintenance(s.app.ca);
      await releaseUnusedFees(s.app.bank);
      // Back to the machine's time, which signs the kur's messageTime (the CA allows 5 minutes).
      s.clock.at = new Date();

      // Renewed: the new one takes the NPKI folder in the .zip, the old one is kept beside it, and
      // the new key file holds the same R (the VID carries over).
      await s.payRenewal(stored.certificate);
      const renewed = await renewAndStore({ send, store, keygen, current: stored, password, caCertificate });
      expect(renewed.stored.id).toBe(stored.id);
      const after = await store.list();
      expect(after.find((c) => c.id === stored.id)?.certificate).toEqual(renewed.stored.certificate);
      expect(after.filter((c) => c.id !== stored.id).map((c) => c.certificate)).toEqual([stored.certificate]);
      expect((await status(renewed.stored.certificate))?.status).toBe("valid");
      expect(await status(stored.certificate)).toEqual({
        status: "revoked",
        revocation_reason: "superseded",
      });
      const signer = await openSigner(renewed.stored, password);
      expect(signer.vidRandom).toEqual(r);
      expect(await verifyVid({ certificate: renewed.stored.certificate, rrn: user.rrn, random: r })).toBe(
        true,
      );
      // A wrong password for the current key is found before anything is sent.
      await expect(
        renewAndStore({
          send,
          store,
          keygen,
          current: renewed.stored,
          password: `${password}x`,
          caCertificate,
        }),
      ).rejects.toSatisfy((e) => isPkiError(e, "bad_password"));
    } finally {
      s.clock.at = then;
    }
  });
});
