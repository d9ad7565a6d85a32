/**
 * Attacks on the standard views, at the library: a credential naming a did:web but another authority on the ledger,
 * a JWS header sending a generic verifier to another issuer's DID, status lists forged, misplaced or out of step with
 * the ledger, a credential claiming a slot of this server's lists, and a status list compressed into a bomb.
 */
import http from "node:http";
import { gzipSync } from "node:zlib";
import { expect } from "chai";
import { loadJose } from "../../src/crypto/jose";
import { generateSigningKey, jwkThumbprint, jwkThumbprintHex, type GeneratedKey } from "../../src/crypto/keys";
import { buildCredential, credentialIssuer, validateCredential, type Credential } from "../../src/documents/credentials";
import { signCredential, verifyCredentialJws } from "../../src/documents/vc-jose";
import {
  authorityDid,
  decodeStatusList,
  didDocumentUrl,
  didWebHost,
  emptyStatusList,
  encodeStatusList,
  parseAuthorityDid,
  setStatusBit,
  signStatusList,
  statusBit,
  STATUS_LIST_SIZE,
  statusListReader,
} from "../../src/standard-views";
import { checkStatusLists } from "../../src/verify/status-list-check";
import { expectError, expectRejection } from "../crypto/expect-error";
import { EXAMPLE_INPUTS } from "../documents/credential-examples";

const HOST = "certledger.customs.kg";
const DID = authorityDid(HOST, 7);
const LIST = `https://${HOST}/v1/authorities/7/status-lists/revocation/0`;

/** A conformity certificate of KG's authority 7 named by its did:web, with a revocation entry at index 42. */
function webCredential(overrides: Record<string, unknown> = {}): Credential {
  const vc = buildCredential({ ...EXAMPLE_INPUTS.conformityCertificate, issuer: { party: "KG", authorityId: 7, name: "KG body" } });
  return validateCredential({
    ...vc,
    issuer: { id: DID, name: "KG body", alsoKnownAs: ["did:certledger:KG:7"] },
    credentialStatus: [
      {
        id: `${LIST}#42`,
        type: "BitstringStatusListEntry",
        statusPurpose: "revocation",
        statusListIndex: "42",
        statusListCredential: LIST,
      },
    ],
    ...overrides,
  });
}

describe("standard views: attacks", function () {
  let key: GeneratedKey;
  let other: GeneratedKey;
  before(async function () {
    [key, other] = await Promise.all([generateSigningKey(), generateSigningKey()]);
  });

  describe("did:web identifiers", function () {
    it("a loopback PUBLIC_URL is named localhost (did:web allows no IP address), its port written %3A; a path becomes segments", function () {
      expect(didWebHost("http://127.0.0.1:8080")).to.equal("localhost%3A8080");
      expect(didWebHost("https://certledger.customs.kg")).to.equal("certledger.customs.kg");
      expect(didWebHost("https://gov.kg/certledger/")).to.equal("gov.kg:certledger");
      expect(didDocumentUrl("did:web:localhost%3A8080")).to.equal("https://localhost:8080/.well-known/did.json");
      expect(didDocumentUrl(authorityDid("gov.kg:certledger", 3))).to.equal("https://gov.kg/certledger/authorities/3/did.json");
    });

    it("only did:web:<host>:authorities:<uint32> names an authority", function () {
      expect(parseAuthorityDid(DID)).to.deep.equal({ host: HOST, authorityId: 7 });
      for (const bad of [
        "did:web:x.kg:authorities:0",
        "did:web:x.kg:authorities:4294967296",
        "did:web:x.kg/evil:authorities:1",
        "did:certledger:KG:7",
        "did:web:x.kg",
      ]) {
        expect(parseAuthorityDid(bad), bad).to.equal(undefined);
      }
    });
  });

  describe("a did:web issuer is tied to the ledger's authority", function () {
    it("must carry its ledger identifier, naming the same authority", function () {
      expect(credentialIssuer(webCredential())).to.deep.equal({ party: "KG", authorityId: 7 });
      expectError(
        () => webCredential({ issuer: { id: DID, name: "KG body" } }),
        "INVALID_CREDENTIAL",
        /issuer\.alsoKnownAs: a did:web issuer must carry/,
      );
      expectError(
        () => webCredential({ issuer: { id: DID, name: "KG body", alsoKnownAs: ["did:certledger:KG:8"] } }),
        "INVALID_CREDENTIAL",
        /issuer\.alsoKnownAs/,
      );
      expectError(
        () => webCredential({ issuer: { id: "did:certledger:KG:7", name: "KG body", alsoKnownAs: ["did:certledger:UZ:7"] } }),
        "INVALID_CREDENTIAL",
        /only a did:web issuer carries it/,
      );
    });

    it("its JWS names the key by its DID URL and iss the issuer; a header naming another issuer is refused", async function () {
      const vc = webCredential();
      const jws = await signCredential(vc, key);
      const { header } = await verifyCredentialJws(jws);
      expect(header.kid).to.equal(`${DID}#${key.kid}`);
      expect(header.iss).to.equal(DID);
      const jose = await loadJose();
      const signingKey = await jose.importJWK(key.privateJwk, "ES256");
      const sign = (extra: Record<string, string>) =>
        new jose.CompactSign(new TextEncoder().encode(JSON.stringify(vc)))
          .setProtectedHeader({ alg: "ES256", typ: "vc+jwt", cty: "vc", jwk: key.publicJwk, kid: `${DID}#${key.kid}`, ...extra })
          .sign(signingKey);
      await expectRejection(verifyCredentialJws(await sign({ iss: authorityDid("evil.example", 7) })), "INVALID_CREDENTIAL", /header\.iss/);
      await expectRejection(
        verifyCredentialJws(await sign({ kid: `${authorityDid("evil.example", 7)}#${key.kid}` })),
        "INVALID_CREDENTIAL",
        /is not a key of issuer/,
      );
      await expectRejection(
        verifyCredentialJws(await sign({ kid: `${DID}#${other.kid}` })),
        "INVALID_SIGNATURE",
        /does not name the thumbprint/,
      );
    });
  });

  describe("the verifier's cross-check of the published lists", function () {
    const registered = (thumbprint: string) => ({
      getSigningKey: async (_id: number, t: string) =>
        t === thumbprint
          ? { thumbprint, authorityId: 7, alg: "ES256", validFrom: 0n, validUntil: 2n ** 40n, compromisedAt: undefined }
          : undefined,
    });
    const list = (bits: Uint8Array, signer: GeneratedKey, issuer = DID) =>
      signStatusList({ url: LIST, issuer, purpose: "revocation", bits, validFrom: "2026-12-01T00:00:00Z" }, signer);
    const revokedBits = () => {
      const bits = emptyStatusList();
      setStatusBit(bits, 42);
      return bits;
    };

    it("agrees when the list's bit is the ledger's status", async function () {
      const jws = await list(revokedBits(), key);
      const check = await checkStatusLists(
        webCredential(),
        { client: registered(jwkThumbprintHex(key.publicJwk)), blockNumber: 1, authorityId: 7, ledgerStatus: "Revoked" },
        async () => jws,
        undefined,
      );
      expect(check?.result, check?.detail).to.equal("pass");
    });

    it("reports a list out of step with the ledger (the ledger's verdict stands)", async function () {
      const jws = await list(emptyStatusList(), key);
      const check = await checkStatusLists(
        webCredential(),
        { client: registered(jwkThumbprintHex(key.publicJwk)), blockNumber: 1, authorityId: 7, ledgerStatus: "Revoked" },
        async () => jws,
        undefined,
      );
      expect(check?.result).to.equal("warn");
      expect(check?.detail).to.match(/bit 42 clear but the ledger has the certificate Revoked/);
      expect(check?.verdictOnFailure).to.equal(undefined);
    });

    it("reports a list signed with a key the ledger does not register for the authority (a forged list)", async function () {
      const jws = await list(emptyStatusList(), other);
      const check = await checkStatusLists(
        webCredential(),
        { client: registered(jwkThumbprintHex(key.publicJwk)), blockNumber: 1, authorityId: 7, ledgerStatus: "Active" },
        async () => jws,
        undefined,
      );
      expect(check?.result).to.equal("warn");
      expect(check?.detail).to.match(/signed with a key the ledger does not register/);
    });

    it("never fetches a list that is not at the issuer's did:web host", async function () {
      const elsewhere = "http://169.254.169.254/latest/meta-data";
      let fetched = false;
      const vc = webCredential({
        credentialStatus: [
          {
            id: `${elsewhere}#1`,
            type: "BitstringStatusListEntry",
            statusPurpose: "revocation",
            statusListIndex: "1",
            statusListCredential: elsewhere,
          },
        ],
      });
      const check = await checkStatusLists(
        vc,
        { client: registered("0x00"), blockNumber: 1, authorityId: 7, ledgerStatus: "Active" },
        async () => {
          fetched = true;
          return "";
        },
        undefined,
      );
      expect(fetched).to.equal(false);
      expect(check?.result).to.equal("warn");
      expect(check?.detail).to.match(/not at the issuer's host/);
    });
  });

  describe("reading another server's list", function () {
    let server: http.Server;
    let base: string;
    let served = 0;
    before(async function () {
      server = http.createServer((req, res) => {
        served++;
        if (req.url === "/endless") {
          res.writeHead(200, { "content-type": "application/vc+jwt" });
          const chunk = Buffer.alloc(64 * 1024, 97);
          const pump = () => {
            while (res.write(chunk));
          };
          res.on("drain", pump);
          pump();
          return;
        }
        res.writeHead(200, { "content-type": "application/vc+jwt" }).end("a.b.c");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    after(function () {
      server.closeAllConnections();
      server.close();
    });

    it("stops reading an answer past its cap instead of buffering it", async function () {
      await expectRejection(statusListReader(undefined)(`${base}/endless`), "INVALID_STATUS_ENTRY", /more than/);
    });

    it("reuses a list it read a moment ago: many credentials of one authority, one fetch", async function () {
      const read = statusListReader(undefined);
      served = 0;
      for (let i = 0; i < 5; i++) expect(await read(`${base}/list`)).to.equal("a.b.c");
      expect(served).to.equal(1);
    });
  });

  describe("the bitstring", function () {
    it("index 0 is the first byte's leftmost bit; 131,072 entries; GZIP and multibase base64url", function () {
      const bits = emptyStatusList();
      expect(bits.length * 8).to.equal(STATUS_LIST_SIZE);
      setStatusBit(bits, 0);
      setStatusBit(bits, STATUS_LIST_SIZE - 1);
      expect(bits[0]).to.equal(0x80);
      expect(bits[bits.length - 1]).to.equal(0x01);
      const encoded = encodeStatusList(bits);
      expect(encoded[0]).to.equal("u");
      const decoded = decodeStatusList(encoded);
      expect(statusBit(decoded, 0) && statusBit(decoded, STATUS_LIST_SIZE - 1) && !statusBit(decoded, 1)).to.equal(true);
      expect(jwkThumbprint(key.publicJwk)).to.equal(key.kid);
    });

    it("refuses what is not a list: no multibase prefix, not GZIP, a bomb beyond the cap", function () {
      expectError(() => decodeStatusList("z123"), "INVALID_STATUS_ENTRY", /multibase/);
      expectError(() => decodeStatusList("u" + Buffer.from("not gzip").toString("base64url")), "INVALID_STATUS_ENTRY", /GZIP/);
      const bomb = "u" + gzipSync(new Uint8Array(64 * 1024 * 1024)).toString("base64url");
      expectError(() => decodeStatusList(bomb), "INVALID_STATUS_ENTRY", /GZIP/);
    });
  });
});
