/**
 * Issue #11: what a node keeps on disk, and the tokens it hands out, stay its owner's: keys wrapped at a current
 * password-hashing strength, a data folder nobody else can read, and access tokens a party admin can take back.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "ethers";
import { loadJose } from "../../src/crypto/jose";
import { generateSigningKey } from "../../src/crypto/keys";
import { Keyring, KEYRING_PBES2_ITERATIONS } from "../../src/keys/keyring";
import { secureDataDir } from "../../server/data-dir";
import { saveRunRecord, type RunRecord } from "../../scripts/cli/run-record";
import { expectProblem } from "../server/expect-problem";
import { call, startServer, stopPayloadStore, stopServers } from "../server/server-world";
import { runCli } from "../cli/cli-process";

const accountSigner = async (address: string) => new ethers.VoidSigner(address);
const folders: string[] = [];
async function folder(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "certledger-secrets-"));
  folders.push(dir);
  return dir;
}
const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

/** The PBES2 header of every encrypted entry of the keyring file in `dir`. */
async function keyringHeaders(dir: string): Promise<Record<string, unknown>[]> {
  const { decodeProtectedHeader } = await loadJose();
  const data = JSON.parse(await readFile(path.join(dir, "keyring.json"), "utf8")) as {
    authorities: Record<string, { signingKey: string }>;
    service?: { dataKey?: string; receiptKey?: string };
  };
  const entries = [...Object.values(data.authorities).map((a) => a.signingKey), data.service?.dataKey, data.service?.receiptKey];
  return entries.filter((e): e is string => e !== undefined).map((jwe) => decodeProtectedHeader(jwe));
}

describe("Secrets at rest", function () {
  this.timeout(120_000);
  after(async function () {
    for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  describe("the keyring", function () {
    it("wraps each key with PBES2-HS512+A256KW at 210,000 iterations, OWASP's current figure, unless told otherwise by a test", async function () {
      const dir = await folder();
      const keyring = await Keyring.open(dir, { password: "correct horse battery", accountSigner });
      const started = performance.now();
      await keyring.dataKey();
      const ms = performance.now() - started;
      expect(KEYRING_PBES2_ITERATIONS).to.equal(210_000);
      const headers = await keyringHeaders(dir);
      expect(headers).to.have.length(1);
      expect(headers[0]).to.include({ alg: "PBES2-HS512+A256KW", enc: "A256GCM", p2c: 210_000 });
      this.test!.title += ` (one key: ${Math.round(ms)} ms)`;
    });

    it("still opens a keyring written at 2,048 iterations, and re-wraps its keys at 210,000 on the next write", async function () {
      const dir = await folder();
      const key = await generateSigningKey();
      const account = ethers.Wallet.createRandom().address;
      const old = await Keyring.open(dir, { password: "correct horse battery", accountSigner, testOnlyIterations: 2048 });
      await old.addAuthority(7, account, key);
      const dataKey = await old.dataKey();
      expect((await keyringHeaders(dir)).map((h) => h.p2c)).to.deep.equal([2048, 2048]);

      const current = await Keyring.open(dir, { password: "correct horse battery", accountSigner });
      expect(current.signingKey(7)?.thumbprint).to.equal(key.thumbprint);
      await current.addParty("KG", account);
      expect((await keyringHeaders(dir)).map((h) => h.p2c)).to.deep.equal([210_000, 210_000]);
      const reopened = await Keyring.open(dir, { password: "correct horse battery", accountSigner });
      expect(reopened.signingKey(7)?.thumbprint).to.equal(key.thumbprint);
      expect(Buffer.from(await reopened.dataKey()).equals(Buffer.from(dataKey))).to.equal(true);
    });
  });

  describe("files", function () {
    it("makes the data folder 0700 and every file in it 0600 at start-up, old 755/644 ones included", async function () {
      const dir = path.join(await folder(), "data");
      await mkdir(path.join(dir, "keys", "accounts"), { recursive: true, mode: 0o755 });
      for (const file of [
        "outbox.sqlite",
        "index.sqlite-wal",
        "link-keys.sqlite",
        "deployment.json",
        "demo-credentials.json",
        "replication.json",
        "keys/keyring.json",
        "keys/accounts/0xabc.json",
      ]) {
        await writeFile(path.join(dir, file), "x", { mode: 0o644 });
        await chmod(path.join(dir, file), 0o644);
      }
      await chmod(dir, 0o755);
      const corrected = await secureDataDir(dir);
      expect(corrected).to.include(path.join(dir, "outbox.sqlite"));
      expect(await modeOf(dir)).to.equal(0o700);
      expect(await modeOf(path.join(dir, "keys", "accounts"))).to.equal(0o700);
      for (const file of ["outbox.sqlite", "index.sqlite-wal", "demo-credentials.json", "keys/keyring.json", "keys/accounts/0xabc.json"]) {
        expect(await modeOf(path.join(dir, file)), file).to.equal(0o600);
      }
      expect(await secureDataDir(dir)).to.deep.equal([]);
    });

    it("writes the CLI's run record, which holds link keys, readable by its owner only", async function () {
      const out = await folder();
      const record: RunRecord = {
        format: "certledger-anchor-run",
        version: 1,
        api: "http://x",
        createdAt: "",
        updatedAt: "",
        entries: [],
      };
      await saveRunRecord(out, record, new Map());
      expect(await modeOf(path.join(out, "run.json"))).to.equal(0o600);
    });
  });

  describe("access tokens", function () {
    afterEach(stopServers);
    after(stopPayloadStore);

    it("a party admin revokes an issuer token of its authority; the server then refuses it with TOKEN_REVOKED, even after a restart", async function () {
      const first = await startServer({ anchoring: false });
      first.keepDataDir = true;
      const { kgBody } = first.world.authorities;
      const issuer = await first.token({ role: "issuer", authorityId: kgBody.id, ttl: "365d" });
      const other = await first.issuerToken(kgBody.id);
      expect((await call(first, "/v1/certificates?authority=" + kgBody.id, { token: issuer })).status).to.not.equal(401);

      const revoked = await call(first, "/v1/tokens/revoke", {
        method: "POST",
        token: await first.adminToken("KG"),
        json: { token: issuer },
      });
      expect(revoked.status, revoked.text).to.equal(200);
      expect(revoked.body).to.include({ subject: `authority:${kgBody.id}`, revoked: true });
      expectProblem(await call(first, "/v1/verify/" + "ab".repeat(32), { token: issuer }), 401, "TOKEN_REVOKED");
      expect((await call(first, "/v1/verify/" + "ab".repeat(32), { token: other })).status).to.equal(200);

      await first.stop();
      const second = await startServer({ world: first.world, dataDir: first.dataDir, anchoring: false });
      expectProblem(await call(second, "/v1/verify/" + "ab".repeat(32), { token: issuer }), 401, "TOKEN_REVOKED");
      await rm(first.dataDir, { recursive: true, force: true });
    });

    it("a party admin cannot revoke another party's tokens", async function () {
      const server = await startServer({ anchoring: false });
      const kgIssuer = await server.issuerToken(server.world.authorities.kgBody.id);
      const kgAdmin = await server.adminToken("KG");
      for (const token of [kgIssuer, kgAdmin]) {
        expectProblem(
          await call(server, "/v1/tokens/revoke", { method: "POST", token: await server.adminToken("KZ"), json: { token } }),
          403,
          "FORBIDDEN",
        );
      }
      expectProblem(
        await call(server, "/v1/tokens/revoke", { method: "POST", token: kgIssuer, json: { token: kgAdmin } }),
        403,
        "FORBIDDEN",
      );
      expect((await call(server, "/v1/verify/" + "ab".repeat(32), { token: kgAdmin })).status).to.equal(200);
    });

    it("refuses a token without a jti, even one signed with the server's own key", async function () {
      const server = await startServer({ anchoring: false });
      const privateJwk = JSON.parse(await readFile(path.join(server.dataDir, "server-key.json"), "utf8")) as Record<string, string>;
      const { importJWK, SignJWT } = await loadJose();
      const key = await importJWK(privateJwk, "ES256");
      const token = await new SignJWT({ role: "party-admin", party: "KG" })
        .setProtectedHeader({ alg: "ES256", typ: "at+jwt" })
        .setIssuer("certledger")
        .setAudience("certledger-api")
        .setSubject("party:KG")
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(key);
      expectProblem(await call(server, "/v1/verify/" + "ab".repeat(32), { token }), 401, "INVALID_TOKEN");
    });

    it("revokes a token from the command line: certledger revoke-token", async function () {
      const server = await startServer({ anchoring: false });
      const demoLike = await server.token({ role: "party-admin", party: "KG", ttl: "365d" });
      const result = await runCli(["revoke-token", demoLike, "--api", server.url, "--token", await server.adminToken("KG"), "--json"]);
      expect(result.code, result.stderr).to.equal(0);
      expect(JSON.parse(result.stdout)).to.include({ subject: "party:KG", revoked: true });
      expectProblem(await call(server, "/v1/verify/" + "ab".repeat(32), { token: demoLike }), 401, "TOKEN_REVOKED");
    });
  });
});
