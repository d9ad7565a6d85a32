import net from "node:net";
import { expect } from "chai";
import { start } from "../../server/http-server";
import { freePort } from "../e2e/node-process";

/** A listener on `port` of 127.0.0.1 that is not an HTTP server: the port's holder. */
async function holdPort(port: number): Promise<net.Server> {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(port, "127.0.0.1", resolve));
  return holder;
}

describe("HTTP server start (http-server.ts)", function () {
  it("waits for a port held for a moment (a node restarted at once after a crash) and then listens on it", async function () {
    const port = await freePort();
    const holder = await holdPort(port);
    setTimeout(() => holder.close(), 1_000);
    const running = await start((_request, response) => response.end("ok"), { port, host: "127.0.0.1", portWaitMs: 5_000 });
    try {
      expect(running.url).to.equal(`http://127.0.0.1:${port}`);
      expect(await (await fetch(running.url)).text()).to.equal("ok");
    } finally {
      await running.stop();
    }
  });

  it("fails, naming the port and the process holding it, when the port stays taken", async function () {
    const port = await freePort();
    const holder = await holdPort(port);
    try {
      const failure = await start((_request, response) => response.end("ok"), { port, host: "127.0.0.1", portWaitMs: 600 }).then(
        () => undefined,
        (error: NodeJS.ErrnoException) => error,
      );
      expect(failure?.code).to.equal("EADDRINUSE");
      expect(failure?.message).to.include(`127.0.0.1:${port} is in use`);
      if (process.platform === "linux") expect(failure?.message).to.include(`process ${process.pid} (`);
    } finally {
      holder.close();
    }
  });
});
