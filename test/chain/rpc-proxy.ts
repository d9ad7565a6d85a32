/**
 * A JSON-RPC proxy on 127.0.0.1 (port 0) in front of Hardhat's in-process network, served by Hardhat's own
 * JsonRpcServer, that can fail requests on demand the way real networks fail: an HTTP 503, a connection reset
 * before the node sees the request, or a response lost after the node has acted on it.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import hre from "hardhat";
import { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";

export type FailureMode = "http-503" | "reset" | "lost-response";

interface FailureRule {
  mode: FailureMode;
  remaining: number;
  /** Only requests carrying this JSON-RPC method fail; any request when left out. */
  method?: string;
}

export interface RpcProxy {
  url: string;
  /** JSON-RPC methods seen, in order (a batch counts each of its calls). */
  readonly methods: string[];
  /** How many requests were made to fail so far. */
  readonly failures: number;
  /** Fails the next `times` requests (carrying `method`, when given) in `mode`. */
  fail(times: number, mode: FailureMode, method?: string): void;
  close(): Promise<void>;
}

/** Starts Hardhat's JSON-RPC server and the proxy in front of it. */
export async function startRpcProxy(): Promise<RpcProxy> {
  const node = new JsonRpcServer({ hostname: "127.0.0.1", port: 0, provider: hre.network.provider });
  const { port: nodePort } = await node.listen();
  const rules: FailureRule[] = [];
  const methods: string[] = [];
  let failures = 0;

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const calls = ([] as { method?: string }[]).concat(JSON.parse(body.toString() || "[]"));
      const names = calls.map((call) => String(call.method));
      methods.push(...names);
      const rule = rules.find((r) => r.remaining > 0 && (r.method === undefined || names.includes(r.method)));
      if (rule) {
        rule.remaining--;
        failures++;
      }
      if (rule?.mode === "http-503") {
        response.writeHead(503, { "content-type": "text/plain" }).end("service unavailable");
        return;
      }
      if (rule?.mode === "reset") {
        request.socket.destroy();
        return;
      }
      const upstream = http.request(
        { host: "127.0.0.1", port: nodePort, method: "POST", headers: { "content-type": "application/json" } },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on("data", (part: Buffer) => parts.push(part));
          answer.on("end", () => {
            // The node has acted on the request; the caller never hears about it.
            if (rule?.mode === "lost-response") request.socket.destroy();
            else response.writeHead(answer.statusCode ?? 200, { "content-type": "application/json" }).end(Buffer.concat(parts));
          });
        },
      );
      upstream.on("error", () => request.socket.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    methods,
    get failures() {
      return failures;
    },
    fail(times, mode, method) {
      rules.push({ mode, remaining: times, method });
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await node.close();
    },
  };
}

/** A local port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
