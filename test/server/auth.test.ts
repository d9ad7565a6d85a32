import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { loadJose } from "../../src/crypto/jose";
import { generateSigningKey } from "../../src/crypto/keys";
import { Auth } from "../../server/auth";
import { loadConfig } from "../../server/config";
import { loadServerKey, SERVER_KEY_FILE, SERVER_PUBLIC_KEY_FILE } from "../../server/server-key";
import { expectProblem } from "./expect-problem";
import { call, startServer, stopPayloadStore, stopServers, type TestServer } from "./server-world";

/** A JWT signed with `privateJwk`, as the server's tokens are, with `claims` over the usual ones. */
async function jwtWith(privateJwk: object, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const jose = await loadJose();
  const now = Math.floor(Date.now() / 1000);
  return new jose.SignJWT({
    role: "issuer",
    authorityId: 1,
    jti: "t",
    iss: "certledger",
    aud: "certledger-api",
    sub: "authority:1",
    iat: now,
    exp: now + 600,
    ...claims,
  })
    .setProtectedHeader({ alg: "ES256", typ: "at+jwt", ...header })
    .sign(await jose.importJWK(privateJwk as never, "ES256"));
}

async function serverKeyOf(server: TestServer) {
  return JSON.parse(await readFile(path.join(server.dataDir, SERVER_KEY_FILE), "utf8")) as object;
}

describe("API: authentication", function () {
  this.timeout(120_000);
  afterEach(stopServers);
  after(stopPayloadStore);

  const guarded = (server: TestServer, token?: string) =>
    call(server, "/v1/recognition", { method: "PUT", token, json: { issuer: "KZ", types: [] } });

  it("a request without a token is 401 UNAUTHENTICATED with a Bearer challenge", async function () {
    const server = await startServer();
    const answer = await guarded(server);
    expectProblem(answer, 401, "UNAUTHENTICATED");
    expect(answer.headers.get("www-authenticate")).to.equal('Bearer realm="certledger"');
    expectProblem(
      await call(server, "/v1/recognition", { method: "PUT", headers: { authorization: "Basic dXNlcjpwdw==" }, json: {} }),
      401,
      "UNAUTHENTICATED",
    );
  });

  it("an expired token is 401 TOKEN_EXPIRED", async function () {
    const server = await startServer();
    const now = Math.floor(Date.now() / 1000);
    const token = await jwtWith(await serverKeyOf(server), {
      role: "party-admin",
      party: "KG",
      authorityId: undefined,
      iat: now - 7200,
      exp: now - 3600,
    });
    const answer = await guarded(server, token);
    expectProblem(answer, 401, "TOKEN_EXPIRED");
    expect(answer.headers.get("www-authenticate")).to.include('error="invalid_token"');
  });

  it("a forged, altered, foreign or malformed token is 401 INVALID_TOKEN", async function () {
    const server = await startServer();
    const own = await serverKeyOf(server);
    const genuine = await server.adminToken("KG");
    const [header, payload, signature] = genuine.split(".");
    const altered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), party: "KZ" })).toString(
      "base64url",
    );
    const forged = [
      await jwtWith((await generateSigningKey()).privateJwk, { role: "party-admin", party: "KG" }),
      [header, altered, signature].join("."),
      await jwtWith(own, { role: "party-admin", party: "KG", iss: "someone-else" }),
      await jwtWith(own, { role: "party-admin", party: "KG", aud: "another-api" }),
      await jwtWith(own, { role: "party-admin", party: "KG" }, { typ: "certledger-receipt+jwt" }),
      await jwtWith(own, { role: "superuser" }),
      await jwtWith(own, { role: "issuer", authorityId: "1" }),
      "not.a.token",
    ];
    for (const token of forged) expectProblem(await guarded(server, token), 401, "INVALID_TOKEN");
    expectProblem(
      await call(server, "/v1/recognition", { method: "PUT", headers: { authorization: "Bearer" }, json: {} }),
      401,
      "INVALID_TOKEN",
    );
  });

  it("a valid token of the wrong role is 403 FORBIDDEN", async function () {
    const server = await startServer();
    expectProblem(await guarded(server, await server.issuerToken(1)), 403, "FORBIDDEN");
    expectProblem(
      await call(server, "/v1/certificates", { method: "POST", token: await server.adminToken("KG"), json: { jws: "a.b.c" } }),
      403,
      "FORBIDDEN",
    );
    expectProblem(
      await call(server, "/v1/authorities", { method: "POST", token: await server.issuerToken(1), json: {} }),
      403,
      "FORBIDDEN",
    );
  });

  it("a token is checked before its request's body is read", async function () {
    const server = await startServer();
    const answer = await call(server, "/v1/certificates", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expectProblem(answer, 401, "UNAUTHENTICATED");
  });

  it("a public route takes no token, but refuses a bad one", async function () {
    const server = await startServer();
    expect((await call(server, `/v1/verify/${"aa".repeat(32)}`)).status).to.equal(200);
    expectProblem(await call(server, `/v1/verify/${"aa".repeat(32)}`, { token: "x.y.z" }), 401, "INVALID_TOKEN");
  });
});

describe("Auth", function () {
  it("mints tokens that it verifies back to their role and claim, and refuses a bad ttl", async function () {
    const key = await generateSigningKey();
    const auth = new Auth(key, { issuer: "certledger", defaultTtlSeconds: 60 });
    expect(await auth.verifyToken(await auth.mintToken({ role: "issuer", authorityId: 7, ttl: "30d" }))).to.include({
      role: "issuer",
      authorityId: 7,
    });
    expect(await auth.verifyToken(await auth.mintToken({ role: "party-admin", party: "UZ" }))).to.include({
      role: "party-admin",
      party: "UZ",
    });
    for (const ttl of ["forever", "0", "-5m", 0]) {
      const minted = auth.mintToken({ role: "issuer", authorityId: 7, ttl });
      expect(
        await minted.then(
          () => "minted",
          (e: { code?: string }) => e.code,
        ),
      ).to.equal("INVALID_REQUEST");
    }
    expect(
      await auth.mintToken({ role: "party-admin", party: "kg" }).then(
        () => "minted",
        (e: { code?: string }) => e.code,
      ),
    ).to.equal("INVALID_REQUEST");
  });
});

describe("server key and configuration", function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(os.tmpdir(), "certledger-key-"))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("the server's key is made once, its private part readable by its owner only", async function () {
    const key = await loadServerKey(dir);
    expect((await stat(path.join(dir, SERVER_KEY_FILE))).mode & 0o777).to.equal(0o600);
    expect(JSON.parse(await readFile(path.join(dir, SERVER_PUBLIC_KEY_FILE), "utf8"))).not.to.have.property("d");
    expect((await loadServerKey(dir)).kid).to.equal(key.kid);
  });

  it("a private key file that others may read is refused (INVALID_CONFIG)", async function () {
    await loadServerKey(dir);
    await chmod(path.join(dir, SERVER_KEY_FILE), 0o644);
    expect(
      await loadServerKey(dir).then(
        () => "loaded",
        (e: { code?: string; message: string }) => `${e.code}: ${e.message}`,
      ),
    ).to.match(/^INVALID_CONFIG: .*chmod 600/);
  });

  it("the configuration has its defaults, and a bad variable stops it with INVALID_CONFIG naming the variable", function () {
    const config = loadConfig({});
    expect(config).to.include({ port: 8080, host: "127.0.0.1", maxFileBytes: 20 * 1024 * 1024, maxBatchRequest: 100, confirmations: 1 });
    expect(config.publicUrl).to.equal("http://127.0.0.1:8080");
    expect(loadConfig({ PUBLIC_URL: "https://verify.example/", RPC_URL: "" }).publicUrl).to.equal("https://verify.example");
    expect(loadConfig({ JWT_TTL: "30d" }).jwtTtlSeconds).to.equal(30 * 86_400);
    // PDFs are stamped by one worker thread per core unless PDF_WORKERS says otherwise; 0 stamps on the main thread.
    expect(config.pdfWorkers).to.equal(os.availableParallelism());
    expect(loadConfig({ PDF_WORKERS: "0" }).pdfWorkers).to.equal(0);
    expect(loadConfig({ PDF_WORKERS: "3" }).pdfWorkers).to.equal(3);
    // Verification processes are asked for; the node answers alone by default.
    expect(config.verifyProcesses).to.equal(0);
    expect(loadConfig({ VERIFY_PROCESSES: "2" }).verifyProcesses).to.equal(2);
    for (const [name, value] of [
      ["PORT", "80a"],
      ["PORT", "70000"],
      ["RPC_URL", "localhost:8545"],
      ["IPFS_API_URL", "ftp://ipfs"],
      ["CONFIRMATIONS", "0"],
      ["MAX_FILE_BYTES", "-1"],
      ["JWT_TTL", "soon"],
      ["CERTLEDGER_DEMO", "yes"],
      ["LOG_LEVEL", "loud"],
      ["PDF_WORKERS", "-1"],
      ["PDF_WORKERS", "1.5"],
      ["VERIFY_PROCESSES", "-1"],
      ["VERIFY_PROCESSES", "65"],
      ["VERIFY_PROCESSES", "two"],
    ]) {
      expect(() => loadConfig({ [name]: value }), name)
        .to.throw(/invalid environment variable/)
        .with.property("message")
        .that.includes(`${name}:`);
    }
  });

  it("npm run token prints a token the server accepts", async function () {
    const run = promisify(execFile);
    const { stdout } = await run(
      "npx",
      ["ts-node", "--transpile-only", "scripts/token.ts", "--role", "issuer", "--authority", "3", "--ttl", "2h"],
      {
        env: { ...process.env, DATA_DIR: dir },
      },
    );
    const auth = new Auth(await loadServerKey(dir), { issuer: "certledger", defaultTtlSeconds: 60 });
    expect(await auth.verifyToken(stdout.trim())).to.include({ role: "issuer", authorityId: 3 });
    const refused = await run("npx", ["ts-node", "--transpile-only", "scripts/token.ts", "--role", "issuer"], {
      env: { ...process.env, DATA_DIR: dir },
    }).then(
      () => 0,
      (e: { code: number; stderr: string }) => e.code,
    );
    expect(refused).to.equal(1);
  });
});
