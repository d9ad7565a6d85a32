import { Writable } from "node:stream";
import { expect } from "chai";
import { ethers } from "ethers";
import { createVerificationApp } from "../../server/app";
import { expressServerClasses } from "../../server/express-classes";
import { start, type RunningServer } from "../../server/http-server";
import { createLogger } from "../../server/logger";
import { Metrics } from "../../server/metrics";
import { anonymousVerificationByHash } from "../../server/verification-process";
import { issueCredential, startServer, stopPayloadStore, stopServers, type TestServer } from "./server-world";

/**
 * A verification process answers GET /v1/verify/{certHash} without Express's router (server/direct-route.ts). The
 * attack: a request that gets through the direct route with less than the router gives it — another status, a
 * missing security header, no rate limit, a problem the router would not answer, a request the logs or metrics do not
 * see. The same requests go to the same app served both ways; everything but time must be the same.
 */
describe("API: the verification route answered without Express's router", function () {
  this.timeout(120_000);
  const running: RunningServer[] = [];
  afterEach(async () => {
    for (const each of running.splice(0)) await each.stop({ graceMs: 100 });
    await stopServers();
  });
  after(stopPayloadStore);

  /** The process's app on `server`'s dependencies, served through its router or its direct route; limit 9 a minute. */
  async function serve(server: TestServer, how: "router" | "direct") {
    const logs: string[] = [];
    const logger = createLogger(
      "info",
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          logs.push(chunk.toString("utf8"));
          callback();
        },
      }),
    );
    const metrics = new Metrics();
    const { config, auth, client, verifier, useReader, receiptKey } = server.deps;
    const built = createVerificationApp(
      { config: { ...config, rateLimitPerMinute: 9 }, auth, logger, metrics, client, verifier, useReader, receiptKey },
      { front: (_req, _res, next) => next(), byHash: anonymousVerificationByHash },
    );
    // Counts the requests the Express app itself handled (express's app function calls app.handle).
    let routed = 0;
    const app = built.app as unknown as { handle: (...args: unknown[]) => unknown };
    const handle = app.handle.bind(app);
    app.handle = (...args) => {
      routed++;
      return handle(...args);
    };
    // Served as a verification process serves it: with the classes its requests and responses are made of.
    const server_ =
      how === "router"
        ? await start(built.app, { port: 0, host: "127.0.0.1" })
        : await start(built.listener, { port: 0, host: "127.0.0.1", classes: expressServerClasses(built.app) });
    running.push(server_);
    const ask = async (path: string, headers: Record<string, string> = {}) => {
      const response = await fetch(server_.url + path, { headers });
      return { status: response.status, headers: Object.fromEntries(response.headers), text: await response.text() };
    };
    const requestLogs = () =>
      logs
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.msg === "request")
        .map(({ method, route, path, status }) => ({ method, route, path, status }));
    const counted = async () =>
      (await metrics.registry.getSingleMetricAsString("certledger_http_requests_total"))
        .split("\n")
        .filter((line) => !line.startsWith("#"));
    return { ask, requestLogs, counted, routed: () => routed };
  }

  /** An answer without what differs from one request to the next: the time, a fresh request id, a receipt's signature. */
  function comparable(answer: { status: number; headers: Record<string, string>; text: string }, keepRequestId: boolean) {
    const { date, connection, "keep-alive": _keepAlive, "x-request-id": requestId, ...headers } = answer.headers;
    void date;
    void connection;
    if (headers.ratelimit) headers.ratelimit = headers.ratelimit.replace(/t=\d+/, "t=…");
    const body = answer.text.startsWith("{") ? (JSON.parse(answer.text) as Record<string, unknown>) : answer.text;
    const timeless = JSON.parse(
      JSON.stringify(body, (key, value: unknown) =>
        /^(verifiedAt|checkedAt)$/.test(key) ? "…" : key === "receipt" ? typeof value : value,
      ),
    ) as unknown;
    if (typeof body === "object" && "receipt" in body) delete headers["content-length"];
    return { status: answer.status, headers, body: timeless, requestId: keepRequestId ? requestId : typeof requestId };
  }

  it("answers every request as the router does: reports, problems, headers, request ids, the rate limit, logs and metrics", async function () {
    const server = await startServer();
    const issued = (await issueCredential(server.world, "conformityCertificate")).certHash;
    const [viaRouter, direct] = [await serve(server, "router"), await serve(server, "direct")];
    const requests: [path: string, headers: Record<string, string>, keepRequestId: boolean][] = [
      [`/v1/verify/${issued}`, { "x-request-id": "given-id-1" }, true],
      [`/v1/verify/${issued}`, { "x-request-id": "not a valid id!" }, false],
      [`/v1/verify/0X${issued.slice(2).toUpperCase()}`, {}, false],
      [`/v1/verify/%30x${issued.slice(2)}`, {}, false],
      [`/v1/verify/${ethers.hexlify(ethers.randomBytes(32))}`, {}, false],
      [`/v1/verify/0x1234`, {}, false],
      [`/v1/verify/${issued}?forParty=KZ&source=chain`, {}, false],
      [`/v1/verify/${issued}?asOf=yesterday`, {}, false],
      // The 9th request in the minute, then two over the limit.
      [`/v1/verify/${issued}?receipt=true`, {}, false],
      [`/v1/verify/${issued}`, {}, false],
      [`/v1/verify/${ethers.hexlify(ethers.randomBytes(32))}`, {}, false],
    ];
    const statuses: number[] = [];
    for (const [path, headers, keepRequestId] of requests) {
      const [expected, actual] = [await viaRouter.ask(path, headers), await direct.ask(path, headers)];
      expect(comparable(actual, keepRequestId), path).to.deep.equal(comparable(expected, keepRequestId));
      statuses.push(actual.status);
    }
    expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 400, 200, 400, 200, 429, 429]);
    // Every one of them went the direct way; the router served all of them on the other side.
    expect(direct.routed()).to.equal(0);
    expect(viaRouter.routed()).to.equal(requests.length);
    expect(direct.requestLogs()).to.deep.equal(viaRouter.requestLogs());
    expect(direct.requestLogs()).to.have.length(requests.length);
    expect(await direct.counted()).to.deep.equal(await viaRouter.counted());

    // What the direct route does not take goes to the app: a token's verification, another method, another path.
    const token = await server.issuerToken(server.world.authorities.kgBody.id);
    await direct.ask(`/v1/verify/${issued}`, { authorization: `Bearer ${token}` });
    await direct.ask(`/v1/verify/${issued}/`);
    await direct.ask(`/v1/verify/%E0%A4%A`);
    expect(direct.routed()).to.equal(3);
  });
});
