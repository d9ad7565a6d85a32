import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { cidOf } from "../../src/ipfs";

/** One request the fake node received. */
export interface KuboRequest {
  command: string;
  params: URLSearchParams;
}

/** How the fake node misbehaves, to test that the Kubo store notices. */
export interface FakeKuboFaults {
  /** `cat` answers with these bytes instead of the content. */
  catBytes?: Uint8Array;
  /** `add` reports this CID instead of the right one. */
  addCid?: string;
  /**
   * What `cat` and `pin/add` do for content the node lacks: "hang" as an online Kubo does while it searches the
   * network, or "error" as an offline one does (HTTP 500, "block was not found locally (offline)").
   */
  missing?: "hang" | "error";
}

/**
 * A stand-in for a Kubo node's RPC API on 127.0.0.1, answering add, cat and pin/add as Kubo does. Stopped, its port
 * refuses connections, as a node that is down; restarted, it answers on the same port with the blocks it held.
 */
export interface FakeKubo {
  url: string;
  requests: KuboRequest[];
  faults: FakeKuboFaults;
  /** Whether the node holds the content of `cid` (added, and kept across restarts). */
  holds(cid: string): boolean;
  /** Closes the port and every open connection. */
  stop(): Promise<void>;
  /** Listens again on the same port, with the same blocks. */
  restart(): Promise<void>;
}

/** Starts the fake node on a free port. */
export async function startFakeKubo(): Promise<FakeKubo> {
  const content = new Map<string, Uint8Array>();
  const requests: KuboRequest[] = [];
  const faults: FakeKuboFaults = {};

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://localhost");
    const command = url.pathname.replace(/^\/api\/v0\//, "");
    requests.push({ command, params: url.searchParams });
    const body = await readBody(request);
    if (request.method !== "POST") return kuboError(response, 405, `${request.method} is not allowed`);
    const arg = url.searchParams.get("arg") ?? "";
    switch (command) {
      case "add": {
        const file = multipartFile(body, request.headers["content-type"] ?? "");
        const cid = await cidOf(file);
        content.set(cid, file);
        const hash = faults.addCid ?? cid;
        response.writeHead(200, { "Content-Type": "application/json", "X-Chunked-Output": "1" });
        response.end(`${JSON.stringify({ Name: hash, Hash: hash, Size: String(file.byteLength) })}\n`);
        return;
      }
      case "cat": {
        const bytes = content.get(arg);
        if (bytes === undefined) return missing(response, arg);
        const length = url.searchParams.has("length") ? Number(url.searchParams.get("length")) : undefined;
        const sent = faults.catBytes ?? bytes;
        response.writeHead(200, { "Content-Type": "text/plain", "X-Stream-Output": "1" });
        response.end(length === undefined ? sent : sent.subarray(0, length));
        return;
      }
      case "pin/add": {
        if (!content.has(arg)) return missing(response, arg);
        response.writeHead(200, { "Content-Type": "application/json" });
        response.end(JSON.stringify({ Pins: [arg] }));
        return;
      }
      default:
        return kuboError(response, 404, `unknown command "${command}"`);
    }
  }

  function missing(response: ServerResponse, cid: string): void {
    // "hang": leave the response open until the client gives up, as Kubo does while it searches for providers.
    if (faults.missing === "hang") return;
    kuboError(response, 500, `block was not found locally (offline): ipld: could not find ${cid}`);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => kuboError(response, 500, String(error)));
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    faults,
    holds: (cid) => content.has(cid),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
    restart: () => listen(port),
  };
}

function kuboError(response: ServerResponse, status: number, message: string): void {
  if (response.headersSent) return void response.destroy();
  response.writeHead(status, { "Content-Type": "application/json" });
  response.end(JSON.stringify({ Message: message, Code: 0, Type: "error" }));
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The content of the one file part of a multipart/form-data body. */
function multipartFile(body: Buffer, contentType: string): Uint8Array {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (boundary === null) throw new Error(`add: no multipart boundary in ${JSON.stringify(contentType)}`);
  const delimiter = `--${boundary[1] ?? boundary[2]}`;
  const start = body.indexOf(delimiter);
  const headersEnd = body.indexOf("\r\n\r\n", start);
  const end = body.indexOf(`\r\n${delimiter}`, headersEnd);
  if (start < 0 || headersEnd < 0 || end < 0) throw new Error("add: malformed multipart body");
  return Uint8Array.from(body.subarray(headersEnd + 4, end));
}
