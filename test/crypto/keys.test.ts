import { expect } from "chai";
import { loadJose } from "../../src/crypto/jose";
import {
  decodeBase64url,
  generateEncryptionKey,
  isBase64url,
  generateSigningKey,
  jwkThumbprint,
  jwkThumbprintHex,
  kidToThumbprintHex,
  thumbprintHexToKid,
  type JWK,
} from "../../src/crypto/keys";
import { expectError } from "./expect-error";

// RFC 7638 §3.1: an RSA key (with members the thumbprint ignores) and its SHA-256 thumbprint.
const RFC7638_KEY: JWK = {
  kty: "RSA",
  n: "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
  e: "AQAB",
  alg: "RS256",
  kid: "2011-04-29",
};
const RFC7638_THUMBPRINT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

describe("Keys", function () {
  describe("JWK thumbprints (RFC 7638)", function () {
    it("match the example of RFC 7638 §3.1", function () {
      expect(jwkThumbprint(RFC7638_KEY)).to.equal(RFC7638_THUMBPRINT);
      expect(jwkThumbprintHex(RFC7638_KEY)).to.equal("0x" + Buffer.from(RFC7638_THUMBPRINT, "base64url").toString("hex"));
    });

    it("match jose's calculateJwkThumbprint for generated EC keys and for the RFC's RSA key", async function () {
      const jose = await loadJose();
      expect(await jose.calculateJwkThumbprint(RFC7638_KEY, "sha256")).to.equal(RFC7638_THUMBPRINT);
      for (const key of [await generateSigningKey(), await generateEncryptionKey()]) {
        const expected = await jose.calculateJwkThumbprint(key.publicJwk, "sha256");
        expect(jwkThumbprint(key.publicJwk)).to.equal(expected);
        expect(key.kid).to.equal(expected);
        expect(key.thumbprint).to.equal("0x" + Buffer.from(expected, "base64url").toString("hex"));
      }
    });

    it("are the same for a private key and its public key", async function () {
      const key = await generateSigningKey();
      expect(jwkThumbprintHex(key.privateJwk)).to.equal(jwkThumbprintHex(key.publicJwk));
    });

    it("refuse a JWK without a member the thumbprint needs, or of an unknown type, with INVALID_KEY", async function () {
      const { publicJwk } = await generateSigningKey();
      const { y: _y, ...noY } = publicJwk;
      expectError(() => jwkThumbprintHex(noY), "INVALID_KEY", /"y"/);
      expectError(() => jwkThumbprintHex({ ...publicJwk, kty: "XYZ" }), "INVALID_KEY", /"XYZ"/);
      expectError(() => jwkThumbprint({ kty: "oct" }), "INVALID_KEY", /"k"/);
      expectError(() => jwkThumbprint(null as unknown as JWK), "INVALID_KEY");
    });
  });

  describe("kid ⇄ thumbprint hex", function () {
    it("convert into each other", async function () {
      const key = await generateSigningKey();
      expect(kidToThumbprintHex(key.kid)).to.equal(key.thumbprint);
      expect(thumbprintHexToKid(key.thumbprint)).to.equal(key.kid);
      expect(thumbprintHexToKid(key.thumbprint.toUpperCase().replace("0X", "0x"))).to.equal(key.kid);
    });

    it("refuse a kid that is not a base64url SHA-256 thumbprint with INVALID_KEY_ID", function () {
      for (const kid of [
        "",
        "abc",
        RFC7638_THUMBPRINT + "A",
        RFC7638_THUMBPRINT + "=",
        RFC7638_THUMBPRINT.replace("-", "+"),
        "2011-04-29",
      ]) {
        expectError(() => kidToThumbprintHex(kid), "INVALID_KEY_ID", /key id/);
      }
      // 43 characters whose last one carries non-zero padding bits is not a canonical encoding.
      expectError(() => kidToThumbprintHex(RFC7638_THUMBPRINT.slice(0, 42) + "t"), "INVALID_KEY_ID");
    });

    it("refuse a thumbprint that is not 0x + 64 hex digits with INVALID_KEY_ID", function () {
      const hex = jwkThumbprintHex(RFC7638_KEY);
      for (const bad of ["", hex.slice(2), hex.slice(0, -1), hex + "00", hex.replace(/.$/, "g")]) {
        expectError(() => thumbprintHexToKid(bad), "INVALID_KEY_ID", /thumbprint/);
      }
    });
  });

  describe("generated keys", function () {
    it("a signing key is an ES256 P-256 pair whose public half has no private member", async function () {
      const key = await generateSigningKey();
      expect(key.privateJwk).to.include({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig", kid: key.kid });
      expect(key.privateJwk.d).to.be.a("string");
      expect(key.publicJwk).to.deep.equal({
        kty: "EC",
        crv: "P-256",
        x: key.privateJwk.x,
        y: key.privateJwk.y,
        alg: "ES256",
        use: "sig",
        kid: key.kid,
      });
      expect(key.thumbprint).to.match(/^0x[0-9a-f]{64}$/);
      expect(key.kid).to.have.length(43);
    });

    it("a signing key signs what its public key verifies", async function () {
      const jose = await loadJose();
      const key = await generateSigningKey();
      const jws = await new jose.CompactSign(new TextEncoder().encode("hello"))
        .setProtectedHeader({ alg: "ES256" })
        .sign(await jose.importJWK(key.privateJwk));
      const { payload } = await jose.compactVerify(jws, await jose.importJWK(key.publicJwk));
      expect(new TextDecoder().decode(payload)).to.equal("hello");
    });

    it("an encryption key is a P-256 pair for ECDH-ES+A256KW", async function () {
      const key = await generateEncryptionKey();
      expect(key.publicJwk).to.include({ kty: "EC", crv: "P-256", alg: "ECDH-ES+A256KW", use: "enc", kid: key.kid });
      expect(key.publicJwk).to.not.have.property("d");
      expect(key.privateJwk.d).to.be.a("string");
    });

    it("every call gives a new key", async function () {
      const [a, b] = await Promise.all([generateSigningKey(), generateSigningKey()]);
      expect(a.thumbprint).to.not.equal(b.thumbprint);
      expect(a.privateJwk.d).to.not.equal(b.privateJwk.d);
    });
  });

  describe("strict base64url", function () {
    /** The definition the check replaced: the characters, and a decode that encodes back to the same text. */
    const roundTrips = (text: string) => /^[A-Za-z0-9_-]*$/.test(text) && Buffer.from(text, "base64url").toString("base64url") === text;

    it("accepts exactly the texts that decode and encode back to themselves, every length and last character", function () {
      const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const texts = ["", "=", "AA==", "AA=", "A+", "A/", "a b", "é", "AAAA\n"];
      for (const prefix of ["", "A", "AB", "ABC", "ABCD", "eyJh", "eyJhb"]) for (const last of digits) texts.push(prefix + last);
      for (let i = 0; i < 500; i++) {
        const length = Math.floor(Math.random() * 12);
        texts.push(Array.from({ length }, () => digits[Math.floor(Math.random() * digits.length)]).join(""));
      }
      for (const text of texts) {
        expect(isBase64url(text), JSON.stringify(text)).to.equal(roundTrips(text));
        const decoded = decodeBase64url(text);
        if (roundTrips(text)) expect(Buffer.from(decoded!).toString("base64url")).to.equal(text);
        else expect(decoded, JSON.stringify(text)).to.equal(undefined);
      }
    });
  });
});
