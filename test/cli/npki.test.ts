import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromPem } from "../../src/pki/bytes.ts";
import { decryptKeyFile } from "../../src/pki/key-file.ts";
import { getRandomNum } from "../../src/pki/private-key.ts";
import { npkiVectorsDir } from "../support/files.ts";
import { copyVector, runCli, runCliAtTerminal, secretFile, tempDir } from "./run-cli.ts";

const password = "Vector!2026kr";
const rrn = "800101-1234567";

function expectCleanError(r: { code: number; stderr: string }, code: number, words: string) {
  expect(r.code).toBe(code);
  expect(r.stderr).toContain(words);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe("geumgo npki inspect", () => {
  it("describes a real yessign certificate and its outdated key protection", async () => {
    const r = await runCli(["npki", "inspect", join(npkiVectorsDir, "yessign-test"), "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.certificate).toMatchObject({
      serialNumber: "459c75",
      purpose: "bank",
      keyType: "RSA-2048",
      hasVid: true,
    });
    expect(doc.certificate.daysLeft).toBeLessThan(0);
    expect(doc.keyFile).toMatchObject({ kind: "pbes1-seed", iterations: 2048, outdated: true });
  });

  it("prints a readable report in Korean when asked", async () => {
    const r = await runCli(["npki", "inspect", join(npkiVectorsDir, "indep-pbes2", "signCert.der")], {
      GEUMGO_LANG: "ko",
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("은행·보험용");
    expect(r.stdout).toContain("김철수");
  });

  it("says clearly when a folder holds no certificate", async () => {
    expectCleanError(await runCli(["npki", "inspect", tempDir()]), 2, "not an NPKI certificate folder");
    expectCleanError(await runCli(["npki", "inspect", "/nonexistent/x"]), 2, "no such file");
  });
});

describe("geumgo npki list", () => {
  it("finds certificates in the NPKI layout", async () => {
    const base = tempDir();
    const user = join(base, "NPKI", "yessign", "USER", "cn=test");
    mkdirSync(user, { recursive: true });
    copyFileSync(join(npkiVectorsDir, "yessign-test", "signCert.der"), join(user, "signCert.der"));
    copyFileSync(join(npkiVectorsDir, "yessign-test", "signPri.key"), join(user, "signPri.key"));
    const r = await runCli(["npki", "list", base, "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.certificates).toHaveLength(1);
    expect(doc.certificates[0]).toMatchObject({ path: user, hasKey: true, issuerOrganization: "yessign" });
    const human = await runCli(["npki", "list", base]);
    expect(human.stdout).toContain("expired");
  });
});

describe("geumgo npki decrypt", () => {
  it("writes the PKCS#8 key with R, and never overwrites unasked", async () => {
    const dir = tempDir();
    const pw = secretFile(dir, "pw", password);
    const out = join(dir, "key.pem");
    const args = [
      "npki",
      "decrypt",
      join(npkiVectorsDir, "indep-pbes1", "signPri.key"),
      "--password-file",
      pw,
      "--out",
      out,
    ];
    expect((await runCli(args)).code).toBe(0);
    const der = fromPem(readFileSync(out, "utf8"), "PRIVATE KEY")[0]!;
    expect(der).toEqual(
      new Uint8Array(readFileSync(join(npkiVectorsDir, "indep-pbes1", "expected-plain-pkcs8.der"))),
    );
    writeFileSync(out, "keep me");
    expectCleanError(await runCli(args), 2, "exists already");
    expect(readFileSync(out, "utf8")).toBe("keep me");
    expect((await runCli([...args, "--force"])).code).toBe(0);
    // OpenSSL reads what we wrote.
    execFileSync("openssl", ["pkey", "-in", out, "-noout"]);
  });

  it("a wrong password or a damaged file gets one sentence, not a stack trace", async () => {
    const dir = tempDir();
    const bad = secretFile(dir, "pw", "Wrong!pass123");
    const out = join(dir, "key.pem");
    const key = join(npkiVectorsDir, "indep-pbes2", "signPri.key");
    expectCleanError(
      await runCli(["npki", "decrypt", key, "--password-file", bad, "--out", out]),
      2,
      "password is wrong",
    );
    const truncated = join(dir, "signPri.key");
    writeFileSync(truncated, readFileSync(key).subarray(0, 500));
    const pw = secretFile(dir, "pw2", password);
    expectCleanError(
      await runCli(["npki", "decrypt", truncated, "--password-file", pw, "--out", out]),
      2,
      "damaged",
    );
    const notKey = join(dir, "not.key");
    writeFileSync(notKey, "hello, world");
    expectCleanError(
      await runCli(["npki", "decrypt", notKey, "--password-file", pw, "--out", out]),
      2,
      "damaged",
    );
  });

  it("asks for a password file when there is no terminal", async () => {
    const r = await runCli([
      "npki",
      "decrypt",
      join(npkiVectorsDir, "indep-pbes2"),
      "--out",
      join(tempDir(), "k.pem"),
    ]);
    expectCleanError(r, 2, "--password-file");
  });
});

describe("geumgo npki passwd", () => {
  it("changes the password, keeps R, and refuses a weak new one", async () => {
    const folder = copyVector("indep-pbes1");
    const pw = secretFile(folder, "..pw", password);
    const weak = secretFile(folder, "..weak", "short1!");
    const strong = secretFile(folder, "..new", "Kx7#mQ2!vR9z");
    const before = readFileSync(join(folder, "signPri.key"));
    expectCleanError(
      await runCli(["npki", "passwd", folder, "--password-file", pw, "--new-password-file", weak]),
      2,
      "10+ characters",
    );
    expect(readFileSync(join(folder, "signPri.key"))).toEqual(before);
    expect(
      (await runCli(["npki", "passwd", folder, "--password-file", pw, "--new-password-file", strong])).code,
    ).toBe(0);
    const after = new Uint8Array(readFileSync(join(folder, "signPri.key")));
    await expect(decryptKeyFile(after, password)).rejects.toMatchObject({ code: "bad_password" });
    const { pkcs8, scheme } = await decryptKeyFile(after, "Kx7#mQ2!vR9z");
    expect(scheme).toMatchObject({ kind: "pbes2", prf: "sha1", cipher: "seed-cbc" });
    expect(getRandomNum(pkcs8)).toEqual(
      getRandomNum(
        new Uint8Array(readFileSync(join(npkiVectorsDir, "indep-pbes1", "expected-plain-pkcs8.der"))),
      ),
    );
  });
});

describe("geumgo npki check-vid", () => {
  it("exits 0 on a match and 1 on a mismatch", async () => {
    const dir = tempDir();
    const pw = secretFile(dir, "pw", password);
    const good = secretFile(dir, "rrn", rrn);
    const wrong = secretFile(dir, "rrn2", "8001011234568");
    for (const v of ["indep-pbes1", "indep-pbes2", "indep-pbes2-aes", "indep-seedcbc-old"]) {
      const folder = join(npkiVectorsDir, v);
      const ok = await runCli(["npki", "check-vid", folder, "--password-file", pw, "--rrn-file", good]);
      expect(ok.code, `${v}: ${ok.stderr}`).toBe(0);
      expectCleanError(
        await runCli(["npki", "check-vid", folder, "--password-file", pw, "--rrn-file", wrong]),
        1,
        "does not match",
      );
    }
  });

  it("a key without R cannot prove a VID, and says why", async () => {
    const folder = join(tempDir(), "no-r");
    mkdirSync(folder);
    copyFileSync(join(npkiVectorsDir, "indep-openssl", "signCert.der"), join(folder, "signCert.der"));
    copyFileSync(
      join(npkiVectorsDir, "indep-openssl", "signPri-seed-sha256.key"),
      join(folder, "signPri.key"),
    );
    const pw = secretFile(folder, "..pw", password);
    const r = secretFile(folder, "..rrn", rrn);
    expectCleanError(
      await runCli(["npki", "check-vid", folder, "--password-file", pw, "--rrn-file", r]),
      2,
      "no randomNum",
    );
  });
});

describe("geumgo npki export-pfx and import-pfx", () => {
  it("exports a PFX that OpenSSL opens, and imports it back into the NPKI layout with R", async () => {
    const dir = tempDir();
    const pw = secretFile(dir, "pw", password);
    const pfx = join(dir, "cert.pfx");
    const exported = await runCli([
      "npki",
      "export-pfx",
      join(npkiVectorsDir, "indep-pbes2"),
      "--password-file",
      pw,
      "--out",
      pfx,
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    const info = execFileSync("openssl", ["pkcs12", "-in", pfx, "-passin", `pass:${password}`, "-nodes"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(info).toContain("BEGIN PRIVATE KEY");
    expect(info).toContain("BEGIN CERTIFICATE");

    const base = join(dir, "usb");
    const imported = await runCli(["npki", "import-pfx", pfx, "--password-file", pw, "--out", base]);
    expect(imported.code, imported.stderr).toBe(0);
    const listed = JSON.parse((await runCli(["npki", "list", base, "--json"])).stdout);
    expect(listed.certificates).toHaveLength(1);
    const folder: string = listed.certificates[0].path;
    expect(folder).toContain(
      join("NPKI", "OracleCA", "USER", "cn=김철수()0091041,ou=personal4IB,o=OracleCA,c=kr"),
    );
    const { pkcs8 } = await decryptKeyFile(
      new Uint8Array(readFileSync(join(folder, "signPri.key"))),
      password,
    );
    expect(pkcs8).toEqual(
      new Uint8Array(readFileSync(join(npkiVectorsDir, "indep-pbes2", "expected-plain-pkcs8.der"))),
    );

    expectCleanError(
      await runCli(["npki", "import-pfx", pfx, "--password-file", pw, "--out", base]),
      2,
      "exists already",
    );
    expect(
      (await runCli(["npki", "import-pfx", pfx, "--password-file", pw, "--out", base, "--force"])).code,
    ).toBe(0);
  });

  it("refuses to pair a key with a certificate it does not belong to", async () => {
    const folder = join(tempDir(), "mixed");
    mkdirSync(folder);
    copyFileSync(join(npkiVectorsDir, "indep-pbes2", "signCert.der"), join(folder, "signCert.der"));
    copyFileSync(join(npkiVectorsDir, "indep-pbes1", "signPri.key"), join(folder, "signPri.key"));
    const pw = secretFile(folder, "..pw", password);
    const r = await runCli([
      "npki",
      "export-pfx",
      folder,
      "--password-file",
      pw,
      "--out",
      join(folder, "..x.pfx"),
    ]);
    expectCleanError(r, 2, "does not belong");
  });
});

describe("geumgo npki sign and verify", () => {
  it("signs so that OpenSSL and we verify, and a changed file fails", async () => {
    const dir = tempDir();
    const pw = secretFile(dir, "pw", password);
    const data = join(dir, "transfer.json");
    writeFileSync(
      data,
      JSON.stringify({ from: "9002-1234-5678-9", to: "9002-8765-4321-0", amount: "50000" }),
    );
    const sig = join(dir, "transfer.p7s");
    const folder = join(npkiVectorsDir, "indep-pbes2");
    expect(
      (await runCli(["npki", "sign", folder, "--password-file", pw, "--in", data, "--out", sig])).code,
    ).toBe(0);
    execFileSync(
      "openssl",
      [
        "cms",
        "-verify",
        "-inform",
        "DER",
        "-in",
        sig,
        "-content",
        data,
        "-binary",
        "-noverify",
        "-out",
        "/dev/null",
      ],
      {
        stdio: "pipe",
      },
    );
    const ok = await runCli(["npki", "verify", "--in", sig, "--content", data, "--json"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ valid: true, signer: expect.stringContaining("김철수") });

    writeFileSync(
      data,
      JSON.stringify({ from: "9002-1234-5678-9", to: "9002-8765-4321-0", amount: "500000" }),
    );
    expectCleanError(await runCli(["npki", "verify", "--in", sig, "--content", data]), 1, "does not verify");
  });

  it("carries the content in an attached signature, as PEM", async () => {
    const dir = tempDir();
    const pw = secretFile(dir, "pw", password);
    const data = join(dir, "memo.txt");
    writeFileSync(data, "홍길동에게 5만원");
    const sig = join(dir, "memo.pem");
    const folder = join(npkiVectorsDir, "indep-pbes1");
    const signed = await runCli([
      "npki",
      "sign",
      folder,
      "--password-file",
      pw,
      "--in",
      data,
      "--out",
      sig,
      "--attached",
      "--pem",
    ]);
    expect(signed.code, signed.stderr).toBe(0);
    const back = join(dir, "back.txt");
    expect((await runCli(["npki", "verify", "--in", sig, "--out", back])).code).toBe(0);
    expect(readFileSync(back, "utf8")).toBe("홍길동에게 5만원");
  });
});

describe("geumgo init and geumgo ca chain", () => {
  it("creates the database, the CA and the demo, once, and prints a chain OpenSSL verifies", async () => {
    const data = tempDir();
    const env = { GEUMGO_DATA: data };
    const first = await runCli(["init", "--demo"], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("key ceremony");
    expect(first.stdout).toContain("hong /");
    expect(first.stderr).toContain("secrets.json");
    const again = await runCli(["init", "--demo"], env);
    expect(again.stdout).toContain("no demo added");
    expect(again.stdout).not.toContain("key ceremony");
    const chain = await runCli(["ca", "chain"], env);
    expect(chain.code).toBe(0);
    const pems = chain.stdout.split("-----END CERTIFICATE-----").filter((p) => p.includes("BEGIN"));
    expect(pems).toHaveLength(2);
    writeFileSync(join(data, "issuing.pem"), `${pems[0]}-----END CERTIFICATE-----\n`);
    writeFileSync(join(data, "root.pem"), `${pems[1]}-----END CERTIFICATE-----\n`);
    execFileSync("openssl", ["verify", "-CAfile", join(data, "root.pem"), join(data, "issuing.pem")]);
    const wrong = await runCli(["ca", "chain"], { GEUMGO_DATA: tempDir() });
    expectCleanError(wrong, 2, "no CA keys");
    const audit = await runCli(["audit", "verify", "--json"], env);
    expect(audit.code, audit.stderr).toBe(0);
    expect(JSON.parse(audit.stdout)).toMatchObject({ ok: true, entries: 1 });
  }, 120_000);
});

describe("passwords at a terminal", () => {
  it("asks without echoing what is typed", async () => {
    const out = join(tempDir(), "key.pem");
    const r = await runCliAtTerminal(
      ["npki", "decrypt", join(npkiVectorsDir, "indep-pbes2", "signPri.key"), "--out", out],
      [["certificate password:", password]],
    );
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).toContain("private key written");
    expect(r.screen.slice(r.screen.indexOf("certificate password:"))).not.toContain(password);
    expect(fromPem(readFileSync(out, "utf8"), "PRIVATE KEY")[0]).toEqual(
      new Uint8Array(readFileSync(join(npkiVectorsDir, "indep-pbes2", "expected-plain-pkcs8.der"))),
    );
  });

  it("asks twice when a command needs two passwords (npki passwd: the old, then the new)", async () => {
    const folder = copyVector("indep-pbes2");
    const r = await runCliAtTerminal(
      ["npki", "passwd", folder],
      [
        ["certificate password:", password],
        ["new certificate password:", "Kx7#mQ2!vR9z"],
      ],
    );
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).toContain("certificate password changed");
    expect(r.screen).not.toContain("Kx7#mQ2!vR9z");
    const { scheme } = await decryptKeyFile(
      new Uint8Array(readFileSync(join(folder, "signPri.key"))),
      "Kx7#mQ2!vR9z",
    );
    expect(scheme.kind).toBe("pbes2");
  });
});
