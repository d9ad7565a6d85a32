import { expect } from "chai";
import { loadJose } from "../../src/crypto/jose";
import { generateSigningKey, jwkThumbprint, type GeneratedKey } from "../../src/crypto/keys";
import { buildCredential, type CredentialInput } from "../../src/documents/credentials";
import { certHashOf } from "../../src/documents/hashing";
import { decodeCredentialJws, signCredential, verifyCredentialJws } from "../../src/documents/vc-jose";
import { expectError, expectRejection } from "../crypto/expect-error";
import { EXAMPLE_INPUTS, TYPE_NAMES } from "./credential-examples";

const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const unb64 = (segment: string) => JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));

describe("VC-JOSE", function () {
  let key: GeneratedKey;
  let other: GeneratedKey;

  before(async function () {
    [key, other] = await Promise.all([generateSigningKey(), generateSigningKey()]);
  });

  async function signed(type: keyof typeof EXAMPLE_INPUTS = "conformityCertificate") {
    const credential = buildCredential(EXAMPLE_INPUTS[type] as CredentialInput);
    return { credential, jws: await signCredential(credential, key) };
  }

  describe("sign → verify", function () {
    for (const type of TYPE_NAMES) {
      it(`a signed ${type} verifies and gives back the credential, the header and the key's thumbprint`, async function () {
        const { credential, jws } = await signed(type);
        expect(jws.split(".")).to.have.length(3);
        const verified = await verifyCredentialJws(jws);
        expect(verified.credential).to.deep.equal(credential);
        expect(verified.thumbprint).to.equal(key.thumbprint);
        expect(verified.header).to.deep.equal({
          alg: "ES256",
          typ: "vc+jwt",
          cty: "vc",
          kid: key.kid,
          jwk: { kty: "EC", crv: "P-256", x: key.publicJwk.x, y: key.publicJwk.y },
        });
      });
    }

    it("the payload is the credential JSON itself, and the header carries only the public key's members", async function () {
      const { credential, jws } = await signed("certificateOfOrigin");
      const [header, payload] = jws.split(".");
      expect(unb64(payload)).to.deep.equal(credential);
      expect(Object.keys(unb64(header).jwk).sort()).to.deep.equal(["crv", "kty", "x", "y"]);
    });

    it("jose verifies the token on its own, with the key from the header", async function () {
      const jose = await loadJose();
      const { jws } = await signed();
      const header = jose.decodeProtectedHeader(jws);
      const { payload } = await jose.compactVerify(jws, await jose.importJWK(header.jwk as Parameters<typeof jose.importJWK>[0], "ES256"));
      expect(JSON.parse(new TextDecoder().decode(payload)).credentialSubject.certificateNumber).to.equal("ЕАЭС KG 417/0012345");
    });

    it("the certHash of a credential is the SHA-256 of the compact JWS's bytes", async function () {
      const { jws } = await signed();
      expect(certHashOf(jws)).to.equal(certHashOf(Buffer.from(jws, "ascii")));
    });
  });

  describe("tampering", function () {
    it("a changed payload byte fails with INVALID_SIGNATURE", async function () {
      const { jws } = await signed("phytosanitaryCertificate");
      const [header, payload, signature] = jws.split(".");
      const i = Math.floor(payload.length / 2);
      const flipped = payload.slice(0, i) + (payload[i] === "A" ? "B" : "A") + payload.slice(i + 1);
      await expectRejection(verifyCredentialJws([header, flipped, signature].join(".")), "INVALID_SIGNATURE", /does not verify/);
    });

    it("a credential edited and re-encoded under the old signature fails with INVALID_SIGNATURE", async function () {
      const { credential, jws } = await signed("certificateOfOrigin");
      const [header, , signature] = jws.split(".");
      const edited = { ...credential, validUntil: "2030-01-01T00:00:00Z" };
      await expectRejection(verifyCredentialJws([header, b64(edited), signature].join(".")), "INVALID_SIGNATURE");
    });

    it("a header jwk swapped for another key fails with INVALID_SIGNATURE, the kid no longer matching", async function () {
      const { jws } = await signed();
      const [header, payload, signature] = jws.split(".");
      const swapped = { ...unb64(header), jwk: { kty: "EC", crv: "P-256", x: other.publicJwk.x, y: other.publicJwk.y } };
      await expectRejection(
        verifyCredentialJws([b64(swapped), payload, signature].join(".")),
        "INVALID_SIGNATURE",
        /does not name the thumbprint of its jwk/,
      );
    });

    it("a header whose jwk and kid are both swapped for another key fails with INVALID_SIGNATURE", async function () {
      const { jws } = await signed();
      const [header, payload, signature] = jws.split(".");
      const swapped = { ...unb64(header), kid: other.kid, jwk: { kty: "EC", crv: "P-256", x: other.publicJwk.x, y: other.publicJwk.y } };
      await expectRejection(verifyCredentialJws([b64(swapped), payload, signature].join(".")), "INVALID_SIGNATURE", /does not verify/);
    });

    it("a header jwk that is not a point of the curve fails with INVALID_SIGNATURE", async function () {
      const { jws } = await signed();
      const [header, payload, signature] = jws.split(".");
      const offCurve = { kty: "EC" as const, crv: "P-256" as const, x: key.publicJwk.x as string, y: other.publicJwk.y as string };
      const forged = { ...unb64(header), kid: jwkThumbprint(offCurve), jwk: offCurve };
      await expectRejection(verifyCredentialJws([b64(forged), payload, signature].join(".")), "INVALID_SIGNATURE", /does not verify/);
    });

    it("a signature from another key fails with INVALID_SIGNATURE", async function () {
      const { jws } = await signed();
      const otherJws = await signCredential(buildCredential(EXAMPLE_INPUTS.conformityCertificate), other);
      const [header, payload] = jws.split(".");
      await expectRejection(verifyCredentialJws([header, payload, otherJws.split(".")[2]].join(".")), "INVALID_SIGNATURE");
    });

    it("a validly signed payload that is not a valid credential fails with INVALID_CREDENTIAL", async function () {
      const jose = await loadJose();
      const header = {
        alg: "ES256",
        typ: "vc+jwt",
        cty: "vc",
        kid: key.kid,
        jwk: { kty: "EC", crv: "P-256", x: key.publicJwk.x, y: key.publicJwk.y },
      };
      const jws = await new jose.CompactSign(new TextEncoder().encode('{"hello":"world"}'))
        .setProtectedHeader(header)
        .sign(await jose.importJWK(key.privateJwk, "ES256"));
      await expectRejection(verifyCredentialJws(jws), "INVALID_CREDENTIAL", /type: /);
    });
  });

  describe("decodeCredentialJws", function () {
    it("returns the header and the credential without checking the signature", async function () {
      const { credential, jws } = await signed("testReport");
      const [header, payload] = jws.split(".");
      const decoded = decodeCredentialJws([header, payload, "AAAA"].join("."));
      expect(decoded.credential).to.deep.equal(credential);
      expect(decoded.header.kid).to.equal(key.kid);
    });

    it("refuses a token that is not three base64url segments with INVALID_CREDENTIAL", function () {
      for (const jws of ["", "abc", "a.b", "a.b.c.d", "a+b.c.d", "eyJ.e30.", "a b.c.d"]) {
        expectError(() => decodeCredentialJws(jws), "INVALID_CREDENTIAL", /not a compact JWS|not UTF-8 JSON/);
      }
    });

    it("refuses a header or payload that is not JSON with INVALID_CREDENTIAL", async function () {
      const { jws } = await signed();
      const [header, payload, signature] = jws.split(".");
      expectError(
        () => decodeCredentialJws([b64("{not json"), payload, signature].join(".")),
        "INVALID_CREDENTIAL",
        /JWS header is not UTF-8 JSON/,
      );
      expectError(
        () => decodeCredentialJws([header, b64("[1,"), signature].join(".")),
        "INVALID_CREDENTIAL",
        /JWS payload is not UTF-8 JSON/,
      );
    });

    it("refuses a header that is not a CertLedger credential header with INVALID_CREDENTIAL naming the member", async function () {
      const { jws } = await signed();
      const [header, payload, signature] = jws.split(".");
      const base = unb64(header);
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ ...base, alg: "none" }, /header\.alg: /],
        [{ ...base, alg: "HS256" }, /header\.alg: /],
        [{ ...base, typ: "JWT" }, /header\.typ: /],
        [{ ...base, cty: undefined }, /header\.cty: /],
        [{ ...base, kid: "key-1" }, /header\.kid: must be a base64url SHA-256 JWK thumbprint/],
        [{ ...base, jwk: undefined }, /header\.jwk: /],
        [{ ...base, jwk: { ...base.jwk, crv: "P-384" } }, /header\.jwk: the header jwk is not an EC P-256 key/],
        [{ ...base, jwk: { ...base.jwk, d: key.privateJwk.d } }, /header\.jwk: must be a public key/],
        [{ ...base, crit: ["exp"] }, /header: Unrecognized key: "crit"/],
      ];
      for (const [bad, message] of cases) {
        expectError(() => decodeCredentialJws([b64(bad), payload, signature].join(".")), "INVALID_CREDENTIAL", message);
      }
    });

    it("refuses a payload that is not a valid credential with INVALID_CREDENTIAL naming the field", async function () {
      const { credential, jws } = await signed("certificateOfOrigin");
      const [header, , signature] = jws.split(".");
      const broken = { ...credential, credentialSubject: { ...credential.credentialSubject, countryOfOrigin: "Uzbekistan" } };
      expectError(
        () => decodeCredentialJws([header, b64(broken), signature].join(".")),
        "INVALID_CREDENTIAL",
        /credentialSubject\.countryOfOrigin: /,
      );
    });
  });

  describe("signCredential", function () {
    it("refuses to sign an invalid credential", async function () {
      const credential = buildCredential(EXAMPLE_INPUTS.certificateOfOrigin);
      const broken = { ...credential, validUntil: "tomorrow" };
      await expectRejection(signCredential(broken, key), "INVALID_CREDENTIAL", /validUntil: /);
    });

    it("refuses a kid that is not the public key's thumbprint with INVALID_KEY", async function () {
      const credential = buildCredential(EXAMPLE_INPUTS.testReport);
      await expectRejection(signCredential(credential, { ...key, kid: other.kid }), "INVALID_KEY", /not the thumbprint of the public key/);
    });

    it("refuses a private key that does not belong to the public key with INVALID_KEY", async function () {
      const credential = buildCredential(EXAMPLE_INPUTS.testReport);
      await expectRejection(signCredential(credential, { ...key, privateJwk: other.privateJwk }), "INVALID_KEY", /does not belong/);
    });

    it("refuses the private half of another key given with this key's public point (x and y) with INVALID_KEY", async function () {
      const credential = buildCredential(EXAMPLE_INPUTS.conformityCertificate as CredentialInput);
      // Every member matches the public key but d: a signer that trusted x and y would sign tokens nobody can verify.
      const borrowed = { ...key, privateJwk: { ...other.privateJwk, x: key.publicJwk.x, y: key.publicJwk.y } };
      await expectRejection(signCredential(credential, borrowed), "INVALID_KEY", /does not belong/);
    });

    it("refuses a key that is not a point of the curve with INVALID_KEY", async function () {
      const credential = buildCredential(EXAMPLE_INPUTS.testReport);
      const y = other.publicJwk.y;
      const publicJwk = { ...key.publicJwk, y };
      const bad = { privateJwk: { ...key.privateJwk, y }, publicJwk, kid: jwkThumbprint(publicJwk) };
      await expectRejection(signCredential(credential, bad), "INVALID_KEY", /not a usable P-256 key/);
    });

    it("refuses a public key given as the private key with INVALID_KEY", async function () {
      const credential = buildCredential(EXAMPLE_INPUTS.testReport);
      await expectRejection(signCredential(credential, { ...key, privateJwk: key.publicJwk }), "INVALID_KEY", /no private member d/);
    });
  });
});
