import { expect } from "chai";
import { CertLedgerError } from "../../src/errors";
import type { PayloadStore } from "../../src/ipfs/payload-store";
import type { Verifier } from "../../src/verify";
import { openApiOperations } from "../../server/openapi";
import { operations } from "../../server/routes";
import { expectProblem } from "./expect-problem";
import { call, eventually, issueCredential, signedCredential, startServer, stopPayloadStore, stopServers } from "./server-world";

/** Every `$ref` in `node`. */
function refsIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => refsIn(item, found));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") found.push(value);
      else refsIn(value, found);
    }
  }
  return found;
}

describe("API: the service", function () {
  this.timeout(120_000);
  afterEach(stopServers);
  after(stopPayloadStore);

  describe("OpenAPI and docs", function () {
    it("GET /openapi.json is an OpenAPI 3.1 document of every route, whose references all resolve", async function () {
      const server = await startServer();
      const answer = await call(server, "/openapi.json");
      expect(answer.status).to.equal(200);
      const document = JSON.parse(answer.text) as {
        openapi: string;
        paths: Record<string, Record<string, { operationId: string; responses: object }>>;
        components: { schemas: Record<string, unknown> };
      };
      expect(document.openapi).to.equal("3.1.0");
      const all = [...operations, ...Object.values(openApiOperations)];
      for (const operation of all) {
        expect(document.paths[operation.path]?.[operation.method]?.operationId, `${operation.method} ${operation.path}`).to.equal(
          operation.operationId,
        );
      }
      const documented = Object.values(document.paths).flatMap((methods) => Object.values(methods).map((o) => o.operationId));
      expect(documented).to.have.length(all.length);
      expect(new Set(documented).size).to.equal(documented.length);
      for (const ref of refsIn(document)) {
        const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
        expect(name !== undefined && document.components.schemas[name] !== undefined, `${ref} resolves`).to.equal(true);
      }
      for (const id of ["Problem", "VerificationReport", "ProofBundle", "CertificateAccepted", "SubmitCredential", "Revocation"]) {
        expect(document.components.schemas, id).to.have.property(id);
      }
      const submit = document.paths["/v1/certificates"].post as unknown as { requestBody: { content: Record<string, unknown> } };
      expect(submit.requestBody.content).to.have.keys("application/json", "multipart/form-data");
    });

    it("every documented route is served (none answers ROUTE_NOT_FOUND), and an undocumented one is 404 problem+json", async function () {
      const server = await startServer();
      const samples: Record<string, string> = {
        certHash: "ab".repeat(32),
        id: "1",
        account: "0x000000000000000000000000000000000000dEaD",
        cid: await server.deps.payloads.add(new Uint8Array([1])),
      };
      for (const operation of [...operations, ...Object.values(openApiOperations)]) {
        const path = operation.path.replace(/\{(\w+)\}/g, (_m, name: string) => samples[name]);
        const answer = await call(server, path, { method: operation.method.toUpperCase() });
        expect(answer.body.code, `${operation.method} ${path}`).not.to.equal("ROUTE_NOT_FOUND");
      }
      expectProblem(await call(server, "/v1/nothing-here"), 404, "ROUTE_NOT_FOUND");
      expectProblem(await call(server, "/v1/certificates/%ZZ"), 400, "INVALID_REQUEST");
      expectProblem(await call(server, "/v1/authorities/%E0%A4%A/suspend", { method: "POST" }), 400, "INVALID_REQUEST");
      expectProblem(await call(server, "/v1/verify/%E0%A4%A"), 400, "INVALID_REQUEST");
      expectProblem(await call(server, "/v1/verify", { method: "DELETE" }), 404, "ROUTE_NOT_FOUND");
    });

    it("GET /docs serves Swagger UI from its own files, pointed at /openapi.json", async function () {
      const server = await startServer();
      const page = await call(server, "/docs");
      expect(page.status).to.equal(200);
      expect(page.contentType).to.match(/^text\/html/);
      expect(page.text).to.include('<div id="swagger-ui">').and.include("/docs/swagger-ui-bundle.js");
      expect(page.headers.get("content-security-policy")).to.include("script-src 'self'");
      expect((await call(server, "/docs/init.js")).text).to.include('url: "/openapi.json"');
      const bundle = await fetch(`${server.url}/docs/swagger-ui-bundle.js`);
      expect(bundle.status).to.equal(200);
      expect(bundle.headers.get("content-type")).to.match(/javascript/);
      expect((await bundle.text()).length).to.be.above(100_000);
      expect((await fetch(`${server.url}/docs/swagger-ui.css`)).status).to.equal(200);
      expectProblem(await call(server, "/docs/swagger-initializer.js"), 404, "ROUTE_NOT_FOUND");
    });
  });

  describe("health, readiness and metrics", function () {
    it("/healthz answers; /readyz is 503 NOT_READY until the index has caught up, then 200", async function () {
      const server = await startServer({ indexing: false });
      expect((await call(server, "/healthz")).body).to.deep.equal({ status: "ok" });
      const waiting = await call(server, "/readyz");
      const problem = expectProblem(waiting, 503, "NOT_READY");
      expect(problem.details).to.deep.nested.include({ "checks.chain.ok": true, "checks.ipfs.ok": true, "checks.index.ok": false });
      server.index.start();
      const ready = await eventually(async () => {
        const answer = await call(server, "/readyz");
        return answer.status === 200 ? answer : undefined;
      }, "the server is ready");
      expect(ready.body).to.deep.nested.include({ ready: true, "checks.index.ok": true });
    });

    it("/readyz names IPFS when it is down, without saying where it is", async function () {
      const down: PayloadStore = {
        add: async () => {
          throw new CertLedgerError("IPFS_UNAVAILABLE", "cannot reach http://10.1.2.3:5001");
        },
        get: async () => {
          throw new CertLedgerError("IPFS_UNAVAILABLE", "cannot reach http://10.1.2.3:5001");
        },
        pin: async () => undefined,
        stop: async () => undefined,
      };
      const server = await startServer({ deps: { payloads: down } });
      const problem = expectProblem(await call(server, "/readyz"), 503, "NOT_READY");
      expect(problem.details).to.deep.nested.include({ "checks.ipfs.ok": false, "checks.ipfs.detail": "unavailable: IPFS_UNAVAILABLE" });
      expect(JSON.stringify(problem)).not.to.include("10.1.2.3");
    });

    it("/readyz says the chain is reconciling while the pipeline repairs what a chain that went back lost", async function () {
      let chain: "ok" | "reconciling" = "reconciling";
      const batcher = { health: () => ({ chain, ipfs: "ok" as const, queued: 0, submitted: 0 }) };
      const server = await startServer({ deps: { batcher } });
      await server.index.syncOnce();
      const problem = expectProblem(await call(server, "/readyz"), 503, "NOT_READY");
      expect(problem.details).to.deep.nested.include({ "checks.chain.ok": false, "checks.ipfs.ok": true });
      expect((problem.details as { checks: { chain: { detail: string } } }).checks.chain.detail).to.match(/^reconciling \(at block \d+\)$/);
      chain = "ok";
      // /readyz shares one probe among the requests of 100 ms (test/adversarial/hostile-input.test.ts): the next one sees it.
      await eventually(async () => (await call(server, "/readyz")).status === 200, "/readyz says ready again", 2_000);
    });

    it("/metrics counts requests by route, and shows the outbox and the index's lag", async function () {
      const server = await startServer();
      await call(server, `/v1/verify/${"cd".repeat(32)}`);
      await call(server, `/v1/verify/xyz`);
      const { kgBody } = server.world.authorities;
      await call(server, "/v1/certificates", {
        method: "POST",
        token: await server.issuerToken(kgBody.id),
        json: { jws: (await signedCredential("testReport", kgBody)).jws },
      });
      const metrics = (await call(server, "/metrics")).text;
      expect(metrics).to.include('certledger_http_requests_total{method="GET",route="/v1/verify/:certHash",status="200"} 1');
      expect(metrics).to.include('certledger_http_requests_total{method="GET",route="/v1/verify/:certHash",status="400"} 1');
      expect(metrics).to.match(/certledger_http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/v1\/certificates"/);
      expect(metrics).to.match(/certledger_outbox_requests\{status="(queued|submitted|anchored)"\} 1/);
      expect(metrics).to.match(/certledger_index_lag_blocks \d+/);
      expect(metrics).not.to.include("cdcdcdcd");
    });
  });

  describe("rate limiting", function () {
    it("answers 429 RATE_LIMITED past RATE_LIMIT_PER_MINUTE on public routes, but not to callers with a token", async function () {
      const server = await startServer({ env: { RATE_LIMIT_PER_MINUTE: "3" } });
      const path = `/v1/verify/${"ef".repeat(32)}`;
      for (let i = 0; i < 3; i++) expect((await call(server, path)).status).to.equal(200);
      const limited = await call(server, path);
      expectProblem(limited, 429, "RATE_LIMITED");
      expect(limited.headers.get("ratelimit-policy")).to.include("q=3; w=60");
      expectProblem(await call(server, "/v1/certificates?number=X&party=KG"), 429, "RATE_LIMITED");
      expect((await call(server, path, { token: await server.adminToken("KG") })).status).to.equal(200);
      expect((await call(server, "/healthz")).status).to.equal(200);
    });
  });

  describe("failures of the server itself", function () {
    it("an unexpected error is a 500 with a generic detail, logged but never shown", async function () {
      const verifier = {
        verify: async () => {
          throw new Error("database password hunter2 at /srv/secret");
        },
      } as unknown as Verifier;
      const server = await startServer({ deps: { verifier } });
      const problem = expectProblem(await call(server, `/v1/verify/${"12".repeat(32)}`), 500, "INTERNAL_ERROR");
      expect(JSON.stringify(problem)).not.to.match(/hunter2|secret|at \//);
      expect(server.logs.join("")).to.include("hunter2");
    });

    it("the chain being down is a 503 CHAIN_UNAVAILABLE that does not say where the chain is", async function () {
      const verifier = {
        verify: async () => {
          throw new CertLedgerError("CHAIN_UNAVAILABLE", "blockNumber: the chain did not answer: connect ECONNREFUSED 10.9.9.9:8545");
        },
      } as unknown as Verifier;
      const server = await startServer({ deps: { verifier } });
      const problem = expectProblem(
        await call(server, "/v1/verify", { method: "POST", json: { certHash: "12".repeat(32) } }),
        503,
        "CHAIN_UNAVAILABLE",
      );
      expect(JSON.stringify(problem)).not.to.include("10.9.9.9");
    });
  });

  describe("logs", function () {
    it("log every request without tokens, link keys, credentials or payloads", async function () {
      const server = await startServer();
      const issued = await issueCredential(server.world, "conformityCertificate");
      const { kgBody } = server.world.authorities;
      const token = await server.issuerToken(kgBody.id);
      const { vc } = await signedCredential("conformityCertificate", kgBody);
      const accepted = await call(server, "/v1/certificates", {
        method: "POST",
        token,
        json: { credential: vc },
        headers: { "x-request-id": "req-123" },
      });
      expect(accepted.headers.get("x-request-id")).to.equal("req-123");
      await call(server, "/v1/verify", { method: "POST", json: { jws: issued.jws } });
      await call(server, `/v1/payloads/${issued.cid}`);
      await call(server, "/v1/recognition", { method: "PUT", token: "forged.forged.forged", json: {} });
      const logs = server.logs.join("");
      expect(logs).to.include('"requestId":"req-123"').and.include('"route":"/v1/certificates"');
      for (const secret of [
        token,
        accepted.body.linkKey as string,
        issued.linkKey,
        issued.jws,
        vc.credentialSubject.certificateNumber,
        "forged.forged",
      ]) {
        expect(logs).not.to.include(secret);
      }
    });
  });
});
