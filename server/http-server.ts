import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import type { Express } from "express";

/** A listening HTTP server. */
export interface RunningServer {
  /** Where it listens, e.g. http://127.0.0.1:8080 (the real port when 0 was asked for). */
  url: string;
  server: Server;
  /** Stops accepting connections, lets requests in flight finish (up to `graceMs`), then closes what is left. */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/** Starts `app` on `host`:`port` (port 0: any free port) and resolves once it listens. */
export async function start(app: Express, options: { port: number; host: string }): Promise<RunningServer> {
  const server = createServer(app);
  // Slow clients may not hold a connection open forever; uploads of 20 MiB still have minutes.
  server.headersTimeout = 30_000;
  server.requestTimeout = 300_000;
  server.keepAliveTimeout = 5_000;
  server.listen(options.port, options.host);
  await once(server, "listening");
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    server,
    stop({ graceMs = 5_000 } = {}) {
      stopping ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
      return stopping;
    },
  };
}
