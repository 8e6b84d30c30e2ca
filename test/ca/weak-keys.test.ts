// The weak-key checks against published vectors: Boulder's Fermat cases (goodkey/good_key_test.go),
// real ROCA public keys (roca-detect's test data, MIT licence, and Boulder's TestROCA modulus),
// the curve constants against OpenSSL's explicit parameters, and freshly made keys, which pass.
import { execFileSync } from "node:child_process";
import { generatePrimeSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyProblem } from "../../src/ca/key-policy.ts";
import {
  curveConstants,
  ecPointProblem,
  fermatFactor,
  hasRocaFingerprint,
  hasSmallPrimeFactor,
  isqrt,
  toBigInt,
} from "../../src/ca/weak-keys.ts";
import { compressedSpki, rawEcSpki, rocaSpki, rsaModulus, rsaSpki } from "./crafted-keys.ts";

/** Boulder's TestROCA modulus: a key made by the vulnerable Infineon library. */
const boulderRocaModulus = BigInt(
  "19089470491547632015867380494603366846979936677899040455785311493700173635637619562546319438505971838982429681121352968394792665704951454132311441831732124044135181992768774222852895664400681270897445415599851900461316070972022018317962889565731866601557238345786316235456299813772607869009873279585912430769332375239444892105064608255089298943707214066350230292124208314161171265468111771687514518823144499250339825049199688099820304852696380797616737008621384107235756455735861506433065173933123259184114000282435500939123478591192413006994709825840573671701120771013072419520134975733578923370992644987545261926257",
);

describe("weak RSA moduli", () => {
  it("finds a prime factor below 752 and none in a product of two large primes", () => {
    const q = generatePrimeSync(1024, { bigint: true });
    const r = generatePrimeSync(1024, { bigint: true });
    expect(hasSmallPrimeFactor(q * r)).toBe(false);
    for (const small of [2n, 3n, 5n, 743n, 751n])
      expect(hasSmallPrimeFactor(small * q), `${small}`).toBe(true);
    expect(hasSmallPrimeFactor(757n * q), "757 is above Boulder's bound").toBe(false);
  });

  it("factors Boulder's close-prime vectors by Fermat's method, and not the barely FIPS one", () => {
    const cases: [string, string, boolean][] = [
      ["101", "59", true],
      [
        "12451309173743450529024753538187635497858772172998414407116324997634262083672423797183640278969532658774374576700091736519352600717664126766443002156788367",
        "12451309173743450529024753538187635497858772172998414407116324997634262083672423797183640278969532658774374576700091736519352600717664126766443002156788337",
        true,
      ],
      [
        "11779932606551869095289494662458707049283241949932278009554252037480401854504909149712949171865707598142483830639739537075502512627849249573564209082969463",
        "11779932606551869095289494662458707049283241949932278009554252037480401854503793357623711855670284027157475142731886267090836872063809791989556295953329083",
        true,
      ],
      [
        "155536235030272749691472293262418471207550926406427515178205576891522284497518443889075039382254334975506248481615035474816604875321501901699955105345417152355947783063521554077194367454070647740704883461064399268622437721385112646454393005862535727615809073410746393326688230040267160616554768771412289114449",
        "155536235030272749691472293262418471207550926406427515178205576891522284497518443889075039382254334975506248481615035474816604875321501901699955105345417152355947783063521554077194367454070647740704883461064399268622437721385112646454393005862535727615809073410746393326688230040267160616554768771412289114113",
        true,
      ],
      [
        "151546560166767007654995655231369126386504564489055366370313539237722892921762327477057109592614214965864835328962951695621854530739049166771701397343693962526456985866167580660948398404000483264137738772983130282095332559392185543017295488346592188097443414824871619976114874896240350402349774470198190454623",
        "151546560166767007654995655231510939369872272987323309037144546294925352276321214430320942815891873491060949332482502812040326472743233767963240491605860423063942576391584034077877871768428333113881339606298282107984376151546711223157061364850161576363709081794948857957944390170575452970542651659150041855843",
        false,
      ],
    ];
    for (const [p, q, found] of cases) {
      const factors = fermatFactor(BigInt(p) * BigInt(q));
      expect(factors, p.slice(0, 12)).toEqual(found ? [BigInt(p), BigInt(q)] : undefined);
    }
    const p = generatePrimeSync(1024, { bigint: true });
    expect(fermatFactor(p * p)).toEqual([p, p]);
    expect(fermatFactor(p * generatePrimeSync(1024, { bigint: true }))).toBeUndefined();
  });

  it("takes exact square roots", () => {
    for (const n of [0n, 1n, 2n, 3n, 4n, 15n, 16n, 17n, (1n << 4096n) - 1n, 10n ** 300n]) {
      const r = isqrt(n);
      expect(r * r <= n && (r + 1n) * (r + 1n) > n, `${n}`).toBe(true);
    }
  });

  it("takes as ROCA residues exactly the subgroups of rocacheck's table", () => {
    // rocacheck's relations {order of 65537 mod p, p} (from roca-detect's pull request 40).
    const table = [
      [2, 11],
      [6, 13],
      [8, 17],
      [9, 19],
      [3, 37],
      [26, 53],
      [20, 61],
      [35, 71],
      [24, 73],
      [13, 79],
      [6, 97],
      [51, 103],
      [53, 107],
      [54, 109],
      [42, 127],
      [50, 151],
      [78, 157],
    ].map(([order, p]) => [BigInt(order!), BigInt(p!)] as const);
    const m = table.reduce((a, [, p]) => a * p, 1n);
    // 65537^k mod M lies in every subgroup; so does the key-generation structure ROCA exploits.
    let power = 1n;
    for (let k = 0; k < 50; k++, power = (power * 65537n) % m)
      expect(hasRocaFingerprint(power + m)).toBe(true);
    // Moving one residue (by CRT) to each other value mod p: flagged for exactly `order` of them.
    const base = 65537n ** 7n % m;
    for (const [order, p] of table) {
      const rest = m / p;
      const lift = rest * ((rest % p) ** (p - 2n) % p); // ≡ 1 mod p, ≡ 0 mod the others
      let flagged = 0n;
      for (let r = 0n; r < p; r++) {
        const n = (base + ((r - (base % p) + p) % p) * lift) % m;
        if (hasRocaFingerprint(n)) flagged++;
      }
      expect(flagged, `p = ${p}`).toBe(order);
    }
  });

  it("sees the ROCA fingerprint on real vulnerable keys and not on fresh ones", () => {
    expect(hasRocaFingerprint(boulderRocaModulus)).toBe(true);
    expect(hasRocaFingerprint(rsaModulus(rocaSpki))).toBe(true);
    for (let i = 0; i < 20; i++) {
      const n = generatePrimeSync(1024, { bigint: true }) * generatePrimeSync(1024, { bigint: true });
      expect(hasRocaFingerprint(n)).toBe(false);
    }
  });
});

describe("EC points", () => {
  it("has the curve constants OpenSSL has", () => {
    for (const [curve, name] of [
      ["P-256", "prime256v1"],
      ["P-384", "secp384r1"],
    ] as const) {
      const text = execFileSync(
        "openssl",
        ["ecparam", "-name", name, "-param_enc", "explicit", "-noout", "-text"],
        {
          encoding: "utf8",
        },
      );
      const field = (label: string) =>
        BigInt(
          `0x${text
            .split(`${label}:`)[1]!
            .split(/\n[A-Z]/)[0]!
            .replace(/[\s:]/g, "")}`,
        );
      expect(field("Prime")).toBe(curveConstants[curve].p);
      expect(field("B")).toBe(curveConstants[curve].b);
      expect(field("A")).toBe(curveConstants[curve].p - 3n);
      const g = text
        .split("Generator (uncompressed):")[1]!
        .split(/\n[A-Z]/)[0]!
        .replace(/[\s:]/g, "");
      expect(ecPointProblem(curve, Uint8Array.from(Buffer.from(g, "hex")))).toBeUndefined();
    }
  });

  it("accepts fresh keys and refuses a compressed point, an off-curve point and the identity", async () => {
    for (const curve of ["P-256", "P-384"] as const) {
      const keys = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: curve }, true, ["sign"]);
      const spki = new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey));
      expect(keyProblem(spki)).toBeUndefined();
      const point = spki.subarray(spki.length - 1 - 2 * curveConstants[curve].size);
      expect(ecPointProblem(curve, point)).toBeUndefined();
      const off = point.slice();
      off[off.length - 1]! ^= 1;
      expect(ecPointProblem(curve, off)).toMatch(/not a point on/);
      expect(keyProblem(rawEcSpki(curve, off))?.code).toBe("weak_key");
      expect(keyProblem(await compressedSpki(keys.publicKey))).toMatchObject({
        code: "weak_key",
        text: expect.stringMatching(/compressed/),
      });
      expect(keyProblem(rawEcSpki(curve, Uint8Array.of(0)))?.text).toMatch(/infinity/);
      const p = curveConstants[curve].p;
      const beyond = point.slice();
      beyond.set(Buffer.from(p.toString(16).padStart(2 * curveConstants[curve].size, "0"), "hex"), 1);
      expect(ecPointProblem(curve, beyond)).toMatch(/field elements/);
    }
  });
});

describe("the key policy", () => {
  it("refuses e = 1, e = 3 and a non-DER RSA key, and takes a fresh RSA-2048 key", async () => {
    const keys = await crypto.subtle.generateKey(
      {
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: 2048,
        publicExponent: Uint8Array.of(1, 0, 1),
        hash: "SHA-256",
      },
      true,
      ["sign"],
    );
    const spki = new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey));
    expect(keyProblem(spki)).toBeUndefined();
    const n = rsaModulus(spki);
    expect(keyProblem(rsaSpki(n, 1n))).toEqual({
      code: "weak_key",
      text: "the RSA public exponent must be 65537",
    });
    expect(keyProblem(rsaSpki(n, 3n))?.code).toBe("weak_key");
    expect(keyProblem(rsaSpki(n, 65537n, { padModulus: true }))?.code).toBe("key_not_accepted");
    expect(keyProblem(rsaSpki(n, 65537n))).toBeUndefined();
    expect(keyProblem(rocaSpki)?.text).toMatch(/ROCA/);
    expect(keyProblem(rsaSpki(boulderRocaModulus, 65537n))?.text).toMatch(/ROCA/);
    expect(toBigInt(Uint8Array.of(1, 0, 1))).toBe(65537n);
  });
});
