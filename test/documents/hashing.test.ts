import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import fc from "fast-check";
import { certHashOf, certificateNumberHash, normalizeCertificateNumber, parseCertHash } from "../../src/documents/hashing";
import { expectError } from "../crypto/expect-error";

const run = promisify(execFile);

describe("Document hashing", function () {
  describe("certHashOf", function () {
    it("is the SHA-256 of the bytes as 0x lower-case hex (FIPS 180-2 vectors)", function () {
      expect(certHashOf(new TextEncoder().encode("abc"))).to.equal("0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
      expect(certHashOf(new Uint8Array())).to.equal("0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    });

    it("hashes a string as its UTF-8 bytes", function () {
      expect(certHashOf("abc")).to.equal("0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
      expect(certHashOf("Сертификат №1")).to.equal(certHashOf(Buffer.from("Сертификат №1", "utf8")));
    });

    it("agrees with sha256sum on a file", async function () {
      const dir = await mkdtemp(path.join(os.tmpdir(), "certledger-hash-"));
      try {
        const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 256);
        const file = path.join(dir, "certificate.pdf");
        await writeFile(file, bytes);
        const { stdout } = await run("sha256sum", [file]);
        expect(certHashOf(bytes)).to.equal("0x" + stdout.split(" ")[0]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe("parseCertHash", function () {
    const hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    it("accepts 64 hex digits with or without 0x, in any case, and returns the 0x lower-case form", function () {
      for (const input of [hex, "0x" + hex, hex.toUpperCase(), "0x" + hex.toUpperCase(), "0X" + hex]) {
        expect(parseCertHash(input), input).to.equal("0x" + hex);
      }
    });

    it("refuses anything else with INVALID_CERT_HASH naming the value", function () {
      const bad = ["", "0x", hex.slice(1), hex + "0", "0x" + hex.slice(2) + "zz", ` ${hex}`, `${hex}\n`, "0y" + hex, "0x0x" + hex.slice(4)];
      for (const input of bad) {
        const error = expectError(() => parseCertHash(input), "INVALID_CERT_HASH");
        expect(error.message).to.include(JSON.stringify(input));
      }
      expectError(() => parseCertHash(42 as unknown as string), "INVALID_CERT_HASH", /42/);
    });

    it("cuts a very long bad value short in its message", function () {
      const error = expectError(() => parseCertHash("x".repeat(10_000)), "INVALID_CERT_HASH");
      expect(error.message.length).to.be.lessThan(200);
    });
  });

  describe("normalizeCertificateNumber", function () {
    it("trims, folds whitespace runs to one space and upper-cases", function () {
      expect(normalizeCertificateNumber("  kg-2025/0001 ")).to.equal("KG-2025/0001");
      expect(normalizeCertificateNumber("AB\t\n  12\r\n34")).to.equal("AB 12 34");
      expect(normalizeCertificateNumber("ЕАЭС kg 417/0012345")).to.equal("ЕАЭС KG 417/0012345");
    });

    it("applies NFKC first: full-width forms, ligatures and no-break spaces become their plain forms", function () {
      expect(normalizeCertificateNumber("ＫＧ－１２３")).to.equal("KG-123");
      expect(normalizeCertificateNumber("ﬁ\u00a012\u3000b")).to.equal("FI 12 B");
      expect(normalizeCertificateNumber("e\u0301")).to.equal("É");
    });

    it("upper-cases by Unicode's full mapping, independent of locale", function () {
      expect(normalizeCertificateNumber("straße")).to.equal("STRASSE");
      expect(normalizeCertificateNumber("istanbul")).to.equal("ISTANBUL");
    });

    it("is idempotent, including letters whose capitals decompose (ΐ → Ϊ́)", function () {
      expect(normalizeCertificateNumber(normalizeCertificateNumber("ΐ"))).to.equal(normalizeCertificateNumber("ΐ"));
      fc.assert(
        fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }), (input) => {
          let once: string;
          try {
            once = normalizeCertificateNumber(input);
          } catch {
            return true; // blank or control characters: refused, nothing to compare
          }
          return normalizeCertificateNumber(once) === once;
        }),
      );
    });

    it("accepts 128 characters and refuses 129 with INVALID_CERTIFICATE_NUMBER", function () {
      expect(normalizeCertificateNumber("A".repeat(128))).to.have.length(128);
      expectError(() => normalizeCertificateNumber("A".repeat(129)), "INVALID_CERTIFICATE_NUMBER", /longer than 128/);
      // Whitespace folded away does not count.
      expect(normalizeCertificateNumber("  " + "A ".repeat(64))).to.have.length(127);
    });

    it("refuses an empty or blank number with INVALID_CERTIFICATE_NUMBER", function () {
      for (const input of ["", "   ", "\t\n", "\u3000"]) {
        expectError(() => normalizeCertificateNumber(input), "INVALID_CERTIFICATE_NUMBER", /empty/);
      }
    });

    it("refuses control and invisible format characters, which no printed number contains", function () {
      for (const input of ["A\u0000B", "A\u0007B", "A\u200bB", "A\u00adB"]) {
        expectError(() => normalizeCertificateNumber(input), "INVALID_CERTIFICATE_NUMBER", /control character/);
      }
    });

    it("refuses a value that is not a string", function () {
      expectError(() => normalizeCertificateNumber(12345 as unknown as string), "INVALID_CERTIFICATE_NUMBER", /not a string/);
    });
  });

  describe("certificateNumberHash", function () {
    it("is keccak256 of the UTF-8 bytes of `${party}:${normalised number}`", function () {
      // A fixed vector, so the definition the contracts document cannot drift unnoticed.
      expect(certificateNumberHash("KG", " kg-2025/0001")).to.equal("0x34627fefb69576daa68302ee12cc5439b82e1418f9fc8b41282f4f2a730ec471");
      // NFKC turns full-width letters and digits into ASCII, and the numero sign "№" into "No".
      expect(certificateNumberHash("KZ", "ＫＺ  №７")).to.equal(keccak256(toUtf8Bytes("KZ:KZ NO7")));
    });

    it("gives one hash for every way of writing the same number", function () {
      expect(certificateNumberHash("UZ", "uz 0123456")).to.equal(certificateNumberHash("UZ", "  UZ\t0123456 "));
    });

    it("keeps two parties' identical numbers apart", function () {
      expect(certificateNumberHash("KG", "0001")).to.not.equal(certificateNumberHash("KZ", "0001"));
    });

    it("refuses a party code that is not two upper-case letters with INVALID_PARTY_CODE", function () {
      for (const party of ["kg", "KGZ", "", "K1", " KG"]) {
        expectError(() => certificateNumberHash(party, "0001"), "INVALID_PARTY_CODE", /party code/);
      }
    });

    it("refuses a bad number with INVALID_CERTIFICATE_NUMBER", function () {
      expectError(() => certificateNumberHash("KG", " "), "INVALID_CERTIFICATE_NUMBER");
    });
  });
});
