import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createServer, type RequestListener, type Server } from "node:http";
import type { ServerClasses } from "./express-classes";
import { portHolder } from "./port-holder";

/** How long a node waits for its port by default when another socket holds it (see {@link start}). */
const PORT_WAIT_MS = 10_000;

/** A listening HTTP server. */
export interface RunningServer {
  /** Where it listens, e.g. http://127.0.0.1:8080 (the real port when 0 was asked for), or unix:/path for a socket. */
  url: string;
  server: Server;
  /** Stops accepting connections, lets requests in flight finish (up to `graceMs`), then closes what is left. */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Starts `app` on `host`:`port` (port 0: any free port), or on the unix socket `path`, and resolves once it listens.
 * In a node:cluster worker, a port is the one the primary shares out. `keepAliveTimeoutMs` (default 5 s): how long an
 * idle connection is kept. `classes`: what the server makes its requests and responses of (expressServerClasses).
 * A port in use is tried again for `portWaitMs` (default 10 s): a node started again at once after a crash may find
 * its port held a moment longer. Then the error (code EADDRINUSE) names what holds the port, where the system says.
 */
export async function start(
  app: RequestListener,
  options: ({ port: number; host: string } | { path: string }) & {
    keepAliveTimeoutMs?: number;
    classes?: ServerClasses;
    portWaitMs?: number;
  },
): Promise<RunningServer> {
  const server = options.classes ? createServer({ ...options.classes }, app) : createServer(app);
  // Slow clients may not hold a connection open forever; uploads of 20 MiB still have minutes.
  server.headersTimeout = 30_000;
  server.requestTimeout = 300_000;
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5_000;
  if ("path" in options) {
    server.listen(options.path);
    await once(server, "listening");
  } else {
    await listenOnPort(server, options.port, options.host, options.portWaitMs ?? PORT_WAIT_MS);
  }
  const url = "path" in options ? `unix:${options.path}` : httpUrl(server.address() as AddressInfo);
  let stopping: Promise<void> | undefined;
  return {
    url,
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

async function listenOnPort(server: Server, port: number, host: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      server.listen(port, host);
      await once(server, "listening");
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EADDRINUSE") throw error;
      if (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      const holder = port === 0 ? undefined : await portHolder(port);
      throw Object.assign(
        new Error(`${host}:${port} is in use${holder ? ` by ${holder}` : ""}; waited ${waitMs} ms for it`, { cause: error }),
        {
          code,
        },
      );
    }
  }
}

function httpUrl({ address, port }: AddressInfo): string {
  return `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
}
