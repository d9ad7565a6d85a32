/**
 * Issue #11: hostile input costs the node little. Each test is an attack an anonymous client (or another party) can
 * make on a node, with the bound the node must keep under it.
 */
import http from "node:http";
import { randomBytes } from "node:crypto";
import { mine } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { LedgerClient } from "../../src/chain/ledger-client";
import { connectRpc } from "../../src/chain/provider";
import type { PayloadStore } from "../../src/ipfs";
import { startRpcProxy, type RpcProxy } from "../chain/rpc-proxy";
import { expectProblem } from "../server/expect-problem";
import { call, startServer, stopPayloadStore, stopServers } from "../server/server-world";

const MIB = 1024 * 1024;

/** A JSON body of about `bytes` bytes that is well-formed and costly to parse and validate: a bundle with a huge proof. */
function hostileJson(bytes: number): Buffer {
  const element = `"0x${"AB".repeat(32)}",`;
  const count = Math.floor((bytes - 100) / element.length);
  const head = `{"format":"certledger-proof-bundle","version":1,"chainId":31337,"ledger":"0x${"00".repeat(20)}","certHash":"0x${"00".repeat(32)}","createdAt":"2026-01-01T00:00:00Z"`;
  return Buffer.from(
    `{"bundle":${head},"anchor":{"kind":"batch","root":"x","numberHash":"x","validUntil":"x","txHash":"x","blockNumber":0,"proof":[${element.repeat(count)}"x"]}}}`,
  );
}

/** POSTs `body` raw over HTTP (with Content-Length, or chunked when `chunked`), resolving on the answer's status line. */
function postRaw(
  url: string,
  body: Buffer,
  options: { chunked?: boolean } = {},
): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = http.request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", ...(options.chunked ? {} : { "content-length": String(body.length) }) },
      },
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: String(response.headers["content-type"]),
            text: Buffer.concat(chunks).toString(),
          }),
        );
        response.on("error", () => undefined);
      },
    );
    // The server answers 413 before it has read the body and closes the connection: the rest of our write then fails,
    // which is the point, not an error of the test.
    request.on("error", (error) => {
      if (!answered) reject(error);
    });
    const slice = 256 * 1024;
    let at = 0;
    const writeMore = (): void => {
      while (at < body.length) {
        const ok = request.write(body.subarray(at, at + slice));
        at += slice;
        if (!ok) {
          request.once("drain", writeMore);
          return;
        }
      }
      request.end();
    };
    writeMore();
  });
}

describe("Hostile input costs the node little", function () {
  this.timeout(180_000);
  afterEach(stopServers);
  after(stopPayloadStore);

  it("answers 413 to oversized public bodies without parsing them, and /healthz answers within a second throughout", async function () {
    const server = await startServer({ indexing: false, anchoring: false });
    const body = hostileJson(24 * MIB);
    const latencies: number[] = [];
    let attacking = true;
    const poll = (async () => {
      // Throughout the attack, and a little after (a node that queued the bodies' work would answer late then).
      while (attacking || latencies.length < 10) {
        const started = performance.now();
        const answer = await fetch(`${server.url}/healthz`);
        await answer.text();
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const answers = await Promise.all(Array.from({ length: 6 }, () => postRaw(`${server.url}/v1/verify`, body)));
    attacking = false;
    await poll;
    for (const answer of answers) {
      expect(answer.status, answer.text).to.equal(413);
      expect(answer.contentType).to.match(/^application\/problem\+json/);
      expect(JSON.parse(answer.text)).to.include({ code: "REQUEST_TOO_LARGE" });
    }
    expect(latencies.length).to.be.greaterThan(0);
    expect(Math.max(...latencies), `healthz latencies ${latencies.map(Math.round).join(", ")} ms`).to.be.below(1000);
  });

  it("counts the bytes of a chunked body and answers 413 as soon as they pass the cap", async function () {
    const server = await startServer({ indexing: false, anchoring: false });
    const answer = await postRaw(`${server.url}/v1/verify`, hostileJson(24 * MIB), { chunked: true });
    expect(answer.status, answer.text).to.equal(413);
    expect(JSON.parse(answer.text)).to.include({ code: "REQUEST_TOO_LARGE" });
  });

  it("still answers a verification request of ordinary size", async function () {
    const server = await startServer({ indexing: false, anchoring: false });
    const answer = await call(server, "/v1/verify", { method: "POST", json: { certHash: `0x${"00".repeat(32)}` } });
    expect(answer.status, answer.text).to.equal(200);
  });

  describe("through a JSON-RPC proxy that counts the calls", function () {
    let proxy: RpcProxy;
    before(async function () {
      proxy = await startRpcProxy();
    });
    after(async function () {
      await proxy.close();
    });

    it("makes as many JSON-RPC calls for the bundle of a random hash whatever the chain's height", async function () {
      const server = await startServer({ anchoring: false });
      const provider = connectRpc(proxy.url, { chainId: 31337 });
      // Small log chunks, as a real chain's node would impose: a scan from the deployment block would be many calls.
      const client = LedgerClient.connect({ deployment: server.world.deployment, provider, logChunkSize: 10 });
      const bundleCalls = async () => {
        await server.index.syncOnce();
        const before = proxy.methods.length;
        expectProblem(await call(server, `/v1/certificates/0x${randomBytes(32).toString("hex")}/bundle`), 404, "CERT_NOT_FOUND");
        return proxy.methods.length - before;
      };
      Object.assign(server.deps, { client });
      const low = await bundleCalls();
      // One block at a time: Hardhat's many-block mine leaves blocks whose hashes the index sees change.
      for (let i = 0; i < 300; i++) await mine(1);
      const high = await bundleCalls();
      provider.destroy();
      expect(high, `calls at a low head ${low}, at a head 300 blocks higher ${high}`).to.equal(low);
      expect(low).to.be.at.most(3);
    });
  });

  it("probes the chain and IPFS once or twice however many /readyz requests arrive together", async function () {
    let adds = 0;
    const server = await startServer({ anchoring: false });
    const payloads = server.deps.payloads;
    const counting: PayloadStore = Object.assign(Object.create(payloads) as PayloadStore, {
      add: (...args: Parameters<PayloadStore["add"]>) => {
        adds++;
        return payloads.add(...args);
      },
    });
    Object.assign(server.deps, { payloads: counting });
    await server.index.syncOnce();
    const answers = await Promise.all(Array.from({ length: 40 }, () => fetch(`${server.url}/readyz`)));
    expect(answers.map((a) => a.status)).to.satisfy((statuses: number[]) => statuses.every((s) => s === 200 || s === 503));
    // One probe, or two when the requests straddle the end of the first one's 100 ms.
    expect(adds).to.be.within(1, 2);
  });

  it("computes /metrics at most once however many scrapes arrive together", async function () {
    const server = await startServer({ anchoring: false });
    let counts = 0;
    const outbox = server.deps.outbox;
    const original = outbox.counts.bind(outbox);
    outbox.counts = () => {
      counts++;
      return original();
    };
    const answers = await Promise.all(Array.from({ length: 40 }, () => fetch(`${server.url}/metrics`)));
    expect(answers.every((a) => a.status === 200)).to.equal(true);
    expect(counts).to.be.at.most(1);
  });
});
