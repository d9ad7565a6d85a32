import { createDecipheriv, randomBytes } from "node:crypto";
import { expect } from "chai";
import { loadJose } from "../../src/crypto/jose";
import { generateEncryptionKey, generateSigningKey, type GeneratedKey } from "../../src/crypto/keys";
import { decryptAsRecipient, decryptWithLinkKey, encryptPayload, readPayloadHeader } from "../../src/crypto/payload-encryption";
import { certHashOf } from "../../src/documents/hashing";
import { expectError, expectRejection } from "./expect-error";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const utf8 = (value: string) => new TextEncoder().encode(value);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The payload's JWE as an object, for a test to alter and re-serialise. */
function jweOf(
  bytes: Uint8Array,
): Record<string, unknown> & { protected: string; ciphertext: string; recipients: Record<string, unknown>[] } {
  return JSON.parse(text(bytes));
}

const toBytes = (jwe: unknown) => utf8(JSON.stringify(jwe));

describe("Payload encryption", function () {
  const plaintext = utf8("eyJhbGciOiJFUzI1NiJ9.eyJjcmVkZW50aWFsIjoiQ2VydExlZGdlciJ9.c2lnbmF0dXJl");
  const certHash = certHashOf(plaintext);
  let kz: GeneratedKey;
  let uz: GeneratedKey;
  let tj: GeneratedKey;

  before(async function () {
    [kz, uz, tj] = await Promise.all([generateEncryptionKey(), generateEncryptionKey(), generateEncryptionKey()]);
  });

  function encryptForKzAndUz() {
    return encryptPayload(plaintext, {
      certHash,
      contentType: "application/vc+jwt",
      recipients: [
        { party: "KZ", publicJwk: kz.publicJwk },
        { party: "UZ", publicJwk: uz.publicJwk },
      ],
    });
  }

  describe("round trips", function () {
    it("the holder decrypts with the link key", async function () {
      const { bytes, linkKey } = await encryptPayload(plaintext, { certHash, contentType: "application/vc+jwt" });
      expect(linkKey).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(text(await decryptWithLinkKey(bytes, linkKey))).to.equal(text(plaintext));
    });

    it("each of two recipient parties decrypts with its own private key, and the holder still can", async function () {
      const { bytes, linkKey } = await encryptForKzAndUz();
      expect(text(await decryptAsRecipient(bytes, kz.privateJwk))).to.equal(text(plaintext));
      expect(text(await decryptAsRecipient(bytes, uz.privateJwk))).to.equal(text(plaintext));
      expect(text(await decryptWithLinkKey(bytes, linkKey))).to.equal(text(plaintext));
    });

    it("a binary PDF and an empty payload survive the round trip byte for byte", async function () {
      for (const bytes of [Uint8Array.from(randomBytes(70_000)), new Uint8Array()]) {
        const encrypted = await encryptPayload(bytes, { certHash: certHashOf(bytes), contentType: "application/pdf" });
        expect(Buffer.from(await decryptWithLinkKey(encrypted.bytes, encrypted.linkKey)).equals(Buffer.from(bytes))).to.equal(true);
      }
    });

    it("jose decrypts the General JSON JWE with the link key as an ordinary A256KW key", async function () {
      const jose = await loadJose();
      const { bytes, linkKey } = await encryptForKzAndUz();
      const { plaintext: out, protectedHeader } = await jose.generalDecrypt(jweOf(bytes) as never, Buffer.from(linkKey, "base64url"));
      expect(text(out)).to.equal(text(plaintext));
      expect(protectedHeader).to.deep.equal({ enc: "A256GCM", cty: "application/vc+jwt", certHash });
    });

    it("a payload for the holder alone is the JWE jose makes, member for member, and jose decrypts it", async function () {
      const jose = await loadJose();
      const { bytes, linkKey } = await encryptPayload(plaintext, { certHash, contentType: "application/pdf" });
      const key = Buffer.from(linkKey, "base64url");
      const byJose = await new jose.GeneralEncrypt(plaintext)
        .setProtectedHeader({ enc: "A256GCM", cty: "application/pdf", certHash })
        .addRecipient(key)
        .setUnprotectedHeader({ alg: "A256KW" })
        .encrypt();
      const ours = jweOf(bytes);
      const shape = (jwe: object) =>
        JSON.stringify(jwe, (name, value: unknown) => (typeof value === "string" && name !== "alg" ? "" : value));
      expect(shape(ours)).to.equal(shape(byJose));
      expect(ours.protected).to.equal(byJose.protected);
      expect((ours.iv as string).length).to.equal(byJose.iv!.length);
      expect(ours.ciphertext.length).to.equal(byJose.ciphertext.length);
      const { plaintext: out, protectedHeader } = await jose.generalDecrypt(ours as never, key);
      expect(text(out)).to.equal(text(plaintext));
      expect(protectedHeader).to.deep.equal({ enc: "A256GCM", cty: "application/pdf", certHash });
    });
  });

  describe("keys", function () {
    it("the link key wraps the content key and is never the content key itself", async function () {
      const { bytes, linkKey } = await encryptPayload(plaintext, { certHash, contentType: "application/vc+jwt" });
      const jwe = jweOf(bytes);
      expect(jwe.recipients[0]).to.deep.include({ header: { alg: "A256KW" } });
      // A256KW of a 32-byte key is 40 bytes.
      expect(Buffer.from(jwe.recipients[0].encrypted_key as string, "base64url")).to.have.length(40);
      const decipher = createDecipheriv("aes-256-gcm", Buffer.from(linkKey, "base64url"), Buffer.from(jwe.iv as string, "base64url"));
      decipher.setAAD(Buffer.from(jwe.protected, "ascii"));
      decipher.setAuthTag(Buffer.from(jwe.tag as string, "base64url"));
      decipher.update(Buffer.from(jwe.ciphertext, "base64url"));
      expect(() => decipher.final()).to.throw(/authenticate/);
    });

    it("every payload gets a fresh link key and content key", async function () {
      const a = await encryptPayload(plaintext, { certHash, contentType: "application/vc+jwt" });
      const b = await encryptPayload(plaintext, { certHash, contentType: "application/vc+jwt" });
      expect(a.linkKey).to.not.equal(b.linkKey);
      expect(jweOf(a.bytes).ciphertext).to.not.equal(jweOf(b.bytes).ciphertext);
      await expectRejection(decryptWithLinkKey(a.bytes, b.linkKey), "DECRYPTION_FAILED");
    });

    it("each recipient's header names its party and its key's thumbprint", async function () {
      const { bytes } = await encryptForKzAndUz();
      const [, kzRecipient, uzRecipient] = jweOf(bytes).recipients;
      expect(kzRecipient.header).to.deep.include({ alg: "ECDH-ES+A256KW", kid: kz.kid, party: "KZ" });
      expect(uzRecipient.header).to.deep.include({ alg: "ECDH-ES+A256KW", kid: uz.kid, party: "UZ" });
    });
  });

  describe("the header, without keys", function () {
    it("tells the certHash, the content type and the recipient parties", async function () {
      const { bytes } = await encryptForKzAndUz();
      expect(readPayloadHeader(bytes)).to.deep.equal({ certHash, contentType: "application/vc+jwt", recipients: ["KZ", "UZ"] });
    });

    it("carries the certHash in its canonical 0x lower-case form, in the protected header", async function () {
      const { bytes } = await encryptPayload(plaintext, { certHash: certHash.slice(2).toUpperCase(), contentType: "application/pdf" });
      expect(readPayloadHeader(bytes)).to.deep.equal({ certHash, contentType: "application/pdf", recipients: [] });
      const header = JSON.parse(Buffer.from(jweOf(bytes).protected, "base64url").toString("utf8"));
      expect(header).to.deep.equal({ enc: "A256GCM", cty: "application/pdf", certHash });
    });
  });

  describe("the payload's JSON, however it is laid out", function () {
    it("reads the same header and decrypts the same from keys reordered, spaces, escapes and a ciphertext named twice", async function () {
      const { bytes, linkKey } = await encryptForKzAndUz();
      const written = text(bytes);
      expect(written.startsWith('{"ciphertext":"'), "this module writes the ciphertext first").to.equal(true);
      const jwe = jweOf(bytes);
      const { ciphertext, ...others } = jwe;
      const header = readPayloadHeader(bytes);
      const escaped = `{"ciphertext":"${ciphertext.slice(0, 4)}\\u00${ciphertext.charCodeAt(4).toString(16)}${ciphertext.slice(5)}",${written.slice(written.indexOf('"', 16) + 2)}`;
      const layouts = [
        toBytes({ ...others, ciphertext }),
        utf8(JSON.stringify(jwe, null, 2)),
        utf8(` ${written}`),
        utf8(escaped),
        // JSON.parse keeps the last of a key named twice: the real ciphertext named after a bogus one is what counts.
        utf8(`{"ciphertext":"not base64url!",${written.slice(1)}`),
      ];
      for (const layout of layouts) {
        expect(jweOf(layout)).to.deep.equal(jwe);
        expect(readPayloadHeader(layout)).to.deep.equal(header);
        expect(text(await decryptWithLinkKey(layout, linkKey))).to.equal(text(plaintext));
      }
      // …and a bogus ciphertext named after the real one is refused, as JSON.parse reads it.
      const namedAgain = utf8(`${written.slice(0, -1)},"ciphertext":"not base64url!"}`);
      expectError(() => readPayloadHeader(namedAgain), "INVALID_PAYLOAD", /payload\.ciphertext: must be base64url/);
    });

    it("refuses a ciphertext with a character outside base64url, a control character or a byte that is not UTF-8", async function () {
      const { bytes } = await encryptForKzAndUz();
      const written = Buffer.from(bytes);
      for (const byte of [0x21, 0x0a, 0x00, 0xff, 0xc3]) {
        const bad = Buffer.from(written);
        bad[20] = byte;
        expectError(() => readPayloadHeader(bad), "INVALID_PAYLOAD", /payload|not UTF-8 JSON/);
      }
    });
  });

  describe("failures", function () {
    it("a third party's key fails with DECRYPTION_FAILED", async function () {
      const { bytes } = await encryptForKzAndUz();
      await expectRejection(decryptAsRecipient(bytes, tj.privateJwk), "DECRYPTION_FAILED", /recipient parties: KZ, UZ/);
    });

    it("a wrong link key fails with DECRYPTION_FAILED", async function () {
      const { bytes } = await encryptForKzAndUz();
      await expectRejection(decryptWithLinkKey(bytes, randomBytes(32).toString("base64url")), "DECRYPTION_FAILED");
    });

    it("a malformed link key fails with INVALID_LINK_KEY", async function () {
      const { bytes, linkKey } = await encryptForKzAndUz();
      for (const bad of ["", "short", linkKey + "A", linkKey.slice(1), linkKey.replace(/^./, "+"), linkKey + "="]) {
        await expectRejection(decryptWithLinkKey(bytes, bad), "INVALID_LINK_KEY");
      }
    });

    it("a tampered ciphertext fails with DECRYPTION_FAILED for the holder and for a recipient", async function () {
      const { bytes, linkKey } = await encryptForKzAndUz();
      const jwe = jweOf(bytes);
      const ciphertext = Buffer.from(jwe.ciphertext, "base64url");
      ciphertext[0] ^= 0x01;
      const tampered = toBytes({ ...jwe, ciphertext: ciphertext.toString("base64url") });
      await expectRejection(decryptWithLinkKey(tampered, linkKey), "DECRYPTION_FAILED", /altered/);
      await expectRejection(decryptAsRecipient(tampered, kz.privateJwk), "DECRYPTION_FAILED");
    });

    it("a certHash changed in the header fails with DECRYPTION_FAILED, since the header is authenticated", async function () {
      const { bytes, linkKey } = await encryptForKzAndUz();
      const jwe = jweOf(bytes);
      const forged = toBytes({ ...jwe, protected: b64({ enc: "A256GCM", cty: "application/vc+jwt", certHash: "0x" + "11".repeat(32) }) });
      expect(readPayloadHeader(forged).certHash).to.equal("0x" + "11".repeat(32));
      await expectRejection(decryptWithLinkKey(forged, linkKey), "DECRYPTION_FAILED");
      await expectRejection(decryptAsRecipient(forged, uz.privateJwk), "DECRYPTION_FAILED");
    });

    it("a recipient's key relabelled with another party's kid fails with DECRYPTION_FAILED", async function () {
      const { bytes } = await encryptForKzAndUz();
      const jwe = jweOf(bytes);
      const [link, kzRecipient, uzRecipient] = jwe.recipients;
      const relabelled = { ...uzRecipient, header: { ...(uzRecipient.header as object), kid: tj.kid } };
      await expectRejection(
        decryptAsRecipient(toBytes({ ...jwe, recipients: [link, kzRecipient, relabelled] }), tj.privateJwk),
        "DECRYPTION_FAILED",
      );
    });

    it("a public key given as the recipient's private key fails with INVALID_KEY", async function () {
      const { bytes } = await encryptForKzAndUz();
      await expectRejection(decryptAsRecipient(bytes, kz.publicJwk), "INVALID_KEY", /no private member d/);
    });

    it("malformed payloads fail with INVALID_PAYLOAD, both when reading the header and when decrypting", async function () {
      const { bytes, linkKey } = await encryptForKzAndUz();
      const jwe = jweOf(bytes);
      const [link, kzRecipient] = jwe.recipients;
      const cases: [Uint8Array, RegExp][] = [
        [utf8("not json"), /the payload is not UTF-8 JSON/],
        [Uint8Array.from([0x7b, 0xff, 0x7d]), /the payload is not UTF-8 JSON/],
        [toBytes([]), /payload: /],
        [toBytes({ ...jwe, recipients: undefined }), /payload\.recipients: /],
        [toBytes({ ...jwe, recipients: [] }), /payload\.recipients: /],
        [toBytes({ ...jwe, recipients: [kzRecipient] }), /payload\.recipients: must hold exactly one link-key recipient/],
        [toBytes({ ...jwe, recipients: [link, link] }), /payload\.recipients: must hold exactly one link-key recipient/],
        [toBytes({ ...jwe, recipients: [link, { ...kzRecipient, header: { alg: "RSA-OAEP" } }] }), /payload\.recipients\.1\.header\.alg: /],
        [toBytes({ ...jwe, iv: "not base64url!" }), /payload\.iv: must be base64url/],
        [toBytes({ ...jwe, aad: "eHl6" }), /payload: Unrecognized key: "aad"/],
        [toBytes({ ...jwe, protected: "bm90IGpzb24" }), /its protected header is not UTF-8 JSON/],
        [toBytes({ ...jwe, protected: b64({ enc: "A256GCM", cty: "application/pdf" }) }), /protected\.certHash: /],
        [toBytes({ ...jwe, protected: b64({ enc: "A128GCM", cty: "application/pdf", certHash }) }), /protected\.enc: /],
      ];
      for (const [bad, message] of cases) {
        expectError(() => readPayloadHeader(bad), "INVALID_PAYLOAD", message);
        await expectRejection(decryptWithLinkKey(bad, linkKey), "INVALID_PAYLOAD", message);
        await expectRejection(decryptAsRecipient(bad, kz.privateJwk), "INVALID_PAYLOAD", message);
      }
    });
  });

  describe("encryptPayload refuses bad options", function () {
    it("a certHash that is not 64 hex digits, with INVALID_CERT_HASH", async function () {
      await expectRejection(encryptPayload(plaintext, { certHash: "0x1234", contentType: "application/pdf" }), "INVALID_CERT_HASH");
    });

    it("a content type that is not a media type, with INVALID_PAYLOAD", async function () {
      for (const contentType of ["", "pdf", "application/", "application/pdf\n", "a/b c"]) {
        await expectRejection(encryptPayload(plaintext, { certHash, contentType }), "INVALID_PAYLOAD", /is not a media type/);
      }
      const { bytes } = await encryptPayload(plaintext, { certHash, contentType: "application/xml; charset=utf-8" });
      expect(readPayloadHeader(bytes).contentType).to.equal("application/xml; charset=utf-8");
    });

    it("a recipient party code that is not two upper-case letters, with INVALID_PARTY_CODE", async function () {
      const recipients = [{ party: "kz", publicJwk: kz.publicJwk }];
      await expectRejection(
        encryptPayload(plaintext, { certHash, contentType: "application/pdf", recipients }),
        "INVALID_PARTY_CODE",
        /"kz"/,
      );
    });

    it("a recipient key that is not a P-256 key, with INVALID_KEY", async function () {
      const recipients = [{ party: "KZ", publicJwk: { kty: "oct", k: "AAAA" } }];
      await expectRejection(
        encryptPayload(plaintext, { certHash, contentType: "application/pdf", recipients }),
        "INVALID_KEY",
        /encryption key of KZ/,
      );
    });

    it("a recipient key that is not a point of the curve, with INVALID_KEY", async function () {
      const signing = await generateSigningKey();
      const recipients = [{ party: "KZ", publicJwk: { ...kz.publicJwk, y: signing.publicJwk.y } }];
      await expectRejection(
        encryptPayload(plaintext, { certHash, contentType: "application/pdf", recipients }),
        "INVALID_KEY",
        /encryption key of KZ/,
      );
    });

    it("a party named twice, with INVALID_PAYLOAD", async function () {
      const recipients = [
        { party: "KZ", publicJwk: kz.publicJwk },
        { party: "KZ", publicJwk: uz.publicJwk },
      ];
      await expectRejection(
        encryptPayload(plaintext, { certHash, contentType: "application/pdf", recipients }),
        "INVALID_PAYLOAD",
        /KZ is named twice/,
      );
    });
  });
});
