/**
 * The standard views as a third party uses them, on a real node behind TLS (did:web requires https: here a local
 * certificate for `localhost` in front of the node, as a reverse proxy terminates TLS in production), read only with
 * generic libraries that are dev-dependencies and no CertLedger code: `did-resolver` + `web-did-resolver` resolve the DID
 * documents, `jose` verifies the JWS with the resolved key alone, ethers asks any JSON-RPC node for the ledger binding,
 * and `@digitalbazaar/vc-bitstring-status-list` decodes the status lists. This is the README's bank walk-through.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Contract, JsonRpcProvider } from "ethers";
import { buildCredential } from "../../src/documents/credentials";
import { EXAMPLE_INPUTS } from "../documents/credential-examples";
import { freePort, startNode, type NodeProcess } from "../e2e/node-process";
import { until } from "../e2e/until";

type Jose = typeof import("jose", { with: { "resolution-mode": "import" } });
/** The part of @digitalbazaar/vc-bitstring-status-list (ESM, untyped) used here. */
type StatusListLib = { decodeList(options: { encodedList: string }): Promise<{ length: number; getStatus(index: number): boolean }> };
// A specifier TypeScript does not resolve: the package ships no types (and a .d.ts under test/ would be run as a test).
const STATUS_LIST_LIB: string = "@digitalbazaar/vc-bitstring-status-list";
type DidResolver = import("did-resolver", { with: { "resolution-mode": "import" } }).Resolver;

const LEDGER_ABI = [
  "function getSigningKey(uint32 authorityId, bytes32 thumbprint) view returns (tuple(uint32 authorityId, uint64 validFrom, uint64 validUntil, uint64 compromisedAt, bytes16 alg))",
  "function getCertificate(bytes32 certHash) view returns (tuple(uint32 authorityId, uint8 certType, uint8 status, uint8 revocationReason, uint64 issuedAt, uint64 validUntil, uint64 statusChangedAt))",
];

describe("standard views, read by generic tools: did:web, VC-JOSE, the ledger, Bitstring Status List", function () {
  this.timeout(300_000);
  let dir: string;
  let node: NodeProcess;
  let proxy: https.Server;
  let api: string;
  let rpcUrl: string;
  let origin: string;
  let tls: { cert: string; key: string };
  let jose: Jose;
  let statusLists: StatusListLib;
  let demo: { parties: Record<string, { adminToken: string; authorities: { id: number; name: string; token: string }[] }> };
  let resolver: DidResolver;

  before(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), "certledger-views-"));
    // A certificate for localhost, trusted by this process only (as a bank's client trusts the public CAs).
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2"],
        ...["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
        ...["-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")],
      ],
      { stdio: "ignore" },
    );
    tls = { cert: await readFile(path.join(dir, "cert.pem"), "utf8"), key: await readFile(path.join(dir, "key.pem"), "utf8") };
    https.globalAgent.options.ca = [tls.cert];
    const [port, chainPort, proxyPort] = [await freePort(), await freePort(), await freePort()];
    api = `http://127.0.0.1:${port}`;
    rpcUrl = `http://127.0.0.1:${chainPort}`;
    origin = `https://localhost:${proxyPort}`;
    proxy = https.createServer(tls, (req, res) => {
      const upstream = http.request({ host: "127.0.0.1", port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on("error", () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(proxyPort, "127.0.0.1", resolve));
    node = startNode({ DATA_DIR: path.join(dir, "data"), PORT: String(port), CHAIN_PORT: String(chainPort), PUBLIC_URL: origin });
    await node.ready();
    demo = JSON.parse(await readFile(path.join(dir, "data", "demo-credentials.json"), "utf8"));
    jose = await import("jose");
    statusLists = (await import(STATUS_LIST_LIB)) as StatusListLib;
    const { Resolver } = await import("did-resolver");
    const { getResolver } = await import("web-did-resolver");
    resolver = new Resolver(getResolver());
  });

  after(async function () {
    node?.child.kill("SIGTERM");
    await node?.exited;
    proxy?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const kg = () => demo.parties.KG.authorities[0];
  const call = async (method: string, route: string, token: string, body?: unknown) => {
    const response = await fetch(`${api}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  /** Over TLS, as a third party reaches the node (node's https module, trusting the local certificate). */
  const getTls = (url: string) =>
    new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
      https
        .get(url, (res) => {
          let text = "";
          res.on("data", (chunk: Buffer) => (text += chunk.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), text }));
        })
        .on("error", reject);
    });

  /** KG's authority anchors a new conformity certificate; its holder's credential (.jwt) once anchored. */
  async function issue(number: string): Promise<string> {
    const a = kg();
    const credential = buildCredential({
      ...EXAMPLE_INPUTS.conformityCertificate,
      issuer: { party: "KG", authorityId: a.id, name: a.name },
      certificateNumber: number,
      validUntil: "2030-01-01T00:00:00Z",
    });
    const accepted = await call("POST", "/v1/certificates", a.token, { credential });
    await until(
      `certificate ${number} anchored`,
      async () => (await call("GET", `/v1/certificates/${String(accepted.certHash)}`, a.token)).anchoring === "anchored",
    );
    const document = await fetch(`${api}/v1/certificates/${String(accepted.certHash)}/document`, {
      headers: { authorization: `Bearer ${a.token}` },
    });
    return document.text();
  }

  /** The bit of `purpose` for a credential, read as a generic verifier would: the list verified with its issuer's resolved key, decoded. */
  async function statusBit(jwt: string, purpose: "revocation" | "suspension"): Promise<boolean> {
    const entry = (
      jose.decodeJwt(jwt) as { credentialStatus: { statusPurpose: string; statusListIndex: string; statusListCredential: string }[] }
    ).credentialStatus.find((e) => e.statusPurpose === purpose)!;
    const list = await getTls(entry.statusListCredential);
    expect(list.status).to.equal(200);
    expect(list.type).to.match(/^application\/vc\+jwt/);
    const { payload } = await jose.compactVerify(list.text, await resolvedKey(jose.decodeProtectedHeader(list.text).kid!));
    const vc = JSON.parse(new TextDecoder().decode(payload));
    expect(vc.type).to.deep.equal(["VerifiableCredential", "BitstringStatusListCredential"]);
    expect(vc.credentialSubject.statusPurpose).to.equal(purpose);
    const decoded = await statusLists.decodeList({ encodedList: vc.credentialSubject.encodedList });
    expect(decoded.length).to.be.at.least(131_072);
    return decoded.getStatus(Number(entry.statusListIndex));
  }

  /** The public key a DID URL names, from the DID document an independent did:web resolver fetched. */
  async function resolvedKey(kid: string) {
    const did = kid.split("#")[0];
    const { didDocument, didResolutionMetadata } = await resolver.resolve(did);
    expect(didResolutionMetadata.error, didResolutionMetadata.message).to.equal(undefined);
    const method = didDocument!.verificationMethod!.find((m) => m.id === kid);
    expect(method, `${kid} in ${did}'s DID document`).to.not.equal(undefined);
    expect(didDocument!.assertionMethod).to.include(kid);
    return jose.importJWK(method!.publicKeyJwk as Parameters<Jose["importJWK"]>[0], "ES256");
  }

  it("a bank holding only the .jwt checks signature → did:web key → ledger binding → status bit, with generic libraries", async function () {
    const jwt = await issue("KG-BANK-0001");
    // 1. The issuer and key it names: iss equals issuer.id (VC-JOSE-COSE), kid is a DID URL under it.
    const header = jose.decodeProtectedHeader(jwt);
    const credential = jose.decodeJwt(jwt) as { issuer: { id: string; alsoKnownAs: string[] }; validFrom: string };
    expect(credential.issuer.id).to.equal(`did:web:localhost%3A${new URL(origin).port}:authorities:${kg().id}`);
    expect(header.iss).to.equal(credential.issuer.id);
    expect(header.kid!.startsWith(`${credential.issuer.id}#`)).to.equal(true);
    // 2. The signature, verified with the key the did:web resolver found (not the header's own jwk).
    const { payload } = await jose.compactVerify(jwt, await resolvedKey(header.kid!));
    expect(JSON.parse(new TextDecoder().decode(payload)).issuer.id).to.equal(credential.issuer.id);
    // The DID document ties the did:web to the ledger's identifier, as the credential does.
    const { didDocument } = await resolver.resolve(credential.issuer.id);
    expect(didDocument!.alsoKnownAs).to.deep.equal([`did:certledger:KG:${kg().id}`]);
    expect(credential.issuer.alsoKnownAs).to.deep.equal(didDocument!.alsoKnownAs);
    expect(didDocument!.service!.map((s) => s.type)).to.include("CertLedgerVerification");
    // 3. Optional: the ledger binding, from any JSON-RPC node of the chain: the key is the authority's, valid when the
    //    certificate was anchored, and the credential's SHA-256 is anchored by that authority.
    const deployment = JSON.parse(await readFile(path.join(dir, "data", "deployment.json"), "utf8"));
    const ledger = new Contract(deployment.ledger.address, LEDGER_ABI, new JsonRpcProvider(rpcUrl));
    const thumbprint = "0x" + Buffer.from(header.kid!.split("#")[1], "base64url").toString("hex");
    const authorityId = Number(credential.issuer.alsoKnownAs[0].split(":")[3]);
    const key = await ledger.getSigningKey(authorityId, thumbprint);
    const record = await ledger.getCertificate("0x" + createHash("sha256").update(jwt).digest("hex"));
    expect(Number(key.authorityId)).to.equal(authorityId);
    expect(Number(record.authorityId)).to.equal(authorityId);
    expect(key.validFrom <= record.issuedAt && record.issuedAt < key.validUntil).to.equal(true);
    expect(key.compromisedAt).to.equal(0n);
    // 4. The status bits: neither revoked nor suspended.
    expect(await statusBit(jwt, "revocation")).to.equal(false);
    expect(await statusBit(jwt, "suspension")).to.equal(false);
  });

  it("revoke → the independent decoder reads the revocation bit within the list's ttl; suspend → the suspension bit; reinstate → cleared", async function () {
    const [revoked, suspended] = [await issue("KG-BANK-0002"), await issue("KG-BANK-0003")];
    const hashOf = (jwt: string) => "0x" + createHash("sha256").update(jwt).digest("hex");
    const ttl = 60_000;
    await call("POST", `/v1/certificates/${hashOf(revoked)}/revoke`, kg().token, { reason: "keyCompromise" });
    let start = Date.now();
    await until("the revocation bit set", () => statusBit(revoked, "revocation"), 250, ttl);
    expect(Date.now() - start).to.be.below(ttl);
    expect(await statusBit(revoked, "suspension")).to.equal(false);
    await call("POST", `/v1/certificates/${hashOf(suspended)}/suspend`, kg().token, {});
    start = Date.now();
    await until("the suspension bit set", () => statusBit(suspended, "suspension"), 250, ttl);
    expect(await statusBit(suspended, "revocation")).to.equal(false);
    await call("POST", `/v1/certificates/${hashOf(suspended)}/reinstate`, kg().token, {});
    await until("the suspension bit cleared", async () => !(await statusBit(suspended, "suspension")), 250, ttl);
    expect(Date.now() - start).to.be.below(2 * ttl);
    // CertLedger's own verifier cross-checks the lists against the ledger and finds them agreeing.
    const report = (await (
      await fetch(`${api}/v1/verify`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jws: revoked }),
      })
    ).json()) as {
      report: { verdict: string; checks: { id: string; result: string; detail: string }[] };
    };
    expect(report.report.verdict).to.equal("REVOKED");
    const check = report.report.checks.find((c) => c.id === "statusList")!;
    expect(check.result, check.detail).to.equal("pass");
    expect(check.detail).to.contain("revocation bit set");
  });

  it("a batched certificate's bit follows the ledger as a direct one's does: revoked inside its Merkle batch, its revocation bit is set", async function () {
    const a = kg();
    const credentials = ["KG-BANK-B1", "KG-BANK-B2", "KG-BANK-B3"].map((number) => ({
      credential: buildCredential({
        ...EXAMPLE_INPUTS.conformityCertificate,
        issuer: { party: "KG", authorityId: a.id, name: a.name },
        certificateNumber: number,
        validUntil: "2030-01-01T00:00:00Z",
      }),
    }));
    const { results } = (await call("POST", "/v1/certificates/batch", a.token, { items: credentials })) as {
      results: { certificate: { certHash: string } }[];
    };
    const hashes = results.map((r) => r.certificate.certHash);
    const anchored = await Promise.all(
      hashes.map((h) =>
        until(`batched ${h} anchored`, async () => {
          const answer = await call("GET", `/v1/certificates/${h}`, a.token);
          return answer.anchoring === "anchored" && answer;
        }),
      ),
    );
    expect((anchored[1].request as { batchRoot?: string }).batchRoot, "anchored in a Merkle batch").to.be.a("string");
    const jwt = await (
      await fetch(`${api}/v1/certificates/${hashes[1]}/document`, { headers: { authorization: `Bearer ${a.token}` } })
    ).text();
    await call("POST", `/v1/certificates/${hashes[1]}/revoke`, a.token, { reason: "superseded" });
    await until("the batched certificate's revocation bit set", () => statusBit(jwt, "revocation"), 250, 60_000);
    const sibling = await (
      await fetch(`${api}/v1/certificates/${hashes[0]}/document`, { headers: { authorization: `Bearer ${a.token}` } })
    ).text();
    expect(await statusBit(sibling, "revocation")).to.equal(false);
  });

  it("a retry with the same Idempotency-Key is the first request, though the server gave the first its did:web issuer and status entries", async function () {
    const a = kg();
    const credential = buildCredential({
      ...EXAMPLE_INPUTS.conformityCertificate,
      issuer: { party: "KG", authorityId: a.id, name: a.name },
      certificateNumber: "KG-BANK-0100",
      validUntil: "2030-01-01T00:00:00Z",
    });
    const send = async () => {
      const response = await fetch(`${api}/v1/certificates`, {
        method: "POST",
        headers: { authorization: `Bearer ${a.token}`, "content-type": "application/json", "idempotency-key": "bank-retry-1" },
        body: JSON.stringify({ credential }),
      });
      return { status: response.status, body: (await response.json()) as { certHash: string } };
    };
    const first = await send();
    const second = await send();
    expect(first.status).to.equal(202);
    expect(second.status, JSON.stringify(second.body)).to.equal(202);
    expect(second.body.certHash).to.equal(first.body.certHash);
  });

  it("an unknown authority's DID does not resolve (404 problem+json), nor does a status list that does not exist", async function () {
    const unknown = await resolver.resolve(`did:web:localhost%3A${new URL(origin).port}:authorities:4000`);
    expect(unknown.didResolutionMetadata.error).to.equal("notFound");
    const answer = await getTls(`${origin}/authorities/4000/did.json`);
    expect(answer.status).to.equal(404);
    expect(answer.type).to.match(/^application\/problem\+json/);
    expect(JSON.parse(answer.text).code).to.equal("DID_NOT_FOUND");
    const bad = await getTls(`${origin}/v1/authorities/${kg().id}/status-lists/expiry/0`);
    expect(bad.status).to.equal(400);
    const noList = await getTls(`${origin}/v1/authorities/${kg().id}/status-lists/revocation/7`);
    expect(noList.status).to.equal(404);
  });

  it("an issuer cannot choose its own status entries: a credential sent with credentialStatus is refused, nothing stored", async function () {
    const a = kg();
    const credential = {
      ...buildCredential({
        ...EXAMPLE_INPUTS.conformityCertificate,
        issuer: { party: "KG", authorityId: a.id, name: a.name },
        certificateNumber: "KG-BANK-0099",
        validUntil: "2030-01-01T00:00:00Z",
      }),
      credentialStatus: [
        {
          id: `${origin}/v1/authorities/${a.id}/status-lists/revocation/0#5`,
          type: "BitstringStatusListEntry",
          statusPurpose: "revocation",
          statusListIndex: "5",
          statusListCredential: `${origin}/v1/authorities/${a.id}/status-lists/revocation/0`,
        },
      ],
    };
    const response = await fetch(`${api}/v1/certificates`, {
      method: "POST",
      headers: { authorization: `Bearer ${a.token}`, "content-type": "application/json" },
      body: JSON.stringify({ credential }),
    });
    expect(response.status).to.equal(422);
    expect(((await response.json()) as { code: string }).code).to.equal("INVALID_STATUS_ENTRY");
    const found = (await call("GET", `/v1/certificates?number=KG-BANK-0099&party=KG`, a.token)) as { certificates: unknown[] };
    expect(found.certificates).to.have.length(0);
  });

  it("a suspended authority's status lists still answer, signed with its registered key", async function () {
    const jwt = await issue("KG-BANK-0004");
    await call("POST", `/v1/authorities/${kg().id}/suspend`, demo.parties.KG.adminToken, {});
    try {
      expect(await statusBit(jwt, "revocation")).to.equal(false);
      const { didDocument } = await resolver.resolve(`did:web:localhost%3A${new URL(origin).port}:authorities:${kg().id}`);
      expect(didDocument!.verificationMethod).to.have.length.greaterThan(0);
    } finally {
      await call("POST", `/v1/authorities/${kg().id}/reactivate`, demo.parties.KG.adminToken, {});
    }
  });

  it("a rotated key stays in the DID document with its end as expires; a compromised key is dropped from its compromise time on", async function () {
    const did = `did:web:localhost%3A${new URL(origin).port}:authorities:${kg().id}`;
    const before = (await resolver.resolve(did)).didDocument!.verificationMethod!;
    expect(before).to.have.length(1);
    const oldKid = before[0].id.split("#")[1];
    const next = await jose.generateKeyPair("ES256", { extractable: true });
    const jwk = await jose.exportJWK(next.publicKey);
    const newKid = await jose.calculateJwkThumbprint(jwk);
    await call("POST", `/v1/authorities/${kg().id}/keys/rotate`, demo.parties.KG.adminToken, {
      oldThumbprint: "0x" + Buffer.from(oldKid, "base64url").toString("hex"),
      jwk,
      validUntil: "2031-01-01T00:00:00Z",
    });
    const rotated = (await resolver.resolve(did)).didDocument!.verificationMethod! as { id: string; expires?: string }[];
    expect(rotated.map((m) => m.id)).to.have.members([`${did}#${oldKid}`, `${did}#${newKid}`]);
    const old = rotated.find((m) => m.id === `${did}#${oldKid}`)!;
    expect(Date.parse(old.expires!)).to.be.at.most(Date.now() + 5_000);
    await call("POST", `/v1/authorities/${kg().id}/keys/compromise`, demo.parties.KG.adminToken, {
      thumbprint: "0x" + Buffer.from(newKid, "base64url").toString("hex"),
    });
    const after = (await resolver.resolve(did)).didDocument!.verificationMethod!;
    expect(after.map((m) => m.id)).to.deep.equal([`${did}#${oldKid}`]);
  });
});
