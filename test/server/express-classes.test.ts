import { expect } from "chai";
import express from "express";
import { expressServerClasses } from "../../server/express-classes";
import { start, type RunningServer } from "../../server/http-server";

/**
 * A server made with expressServerClasses(app) gives Express requests that already have its prototypes: app.handle's
 * Object.setPrototypeOf finds them in place. Everything Express adds to a request and a response must still be there.
 */
describe("API: requests made with Express's prototypes from the start", function () {
  const running: RunningServer[] = [];
  afterEach(async () => {
    for (const each of running.splice(0)) await each.stop({ graceMs: 100 });
  });

  async function serve(withClasses: boolean) {
    const app = express();
    app.set("trust proxy", "loopback");
    const seen: { prototypeAtArrival: unknown; prototypeInRoute: unknown }[] = [];
    const classes = expressServerClasses(app);
    let arrived: unknown;
    const server = await start(
      (req, res) => {
        arrived = Object.getPrototypeOf(req);
        app(req, res);
      },
      { port: 0, host: "127.0.0.1", classes: withClasses ? classes : undefined },
    );
    running.push(server);
    app.get("/echo/:name", (req, res) => {
      seen.push({ prototypeAtArrival: arrived, prototypeInRoute: Object.getPrototypeOf(req) });
      res
        .status(201)
        .set("x-name", req.params.name)
        .json({ ip: req.ip, query: req.query, agent: req.get("user-agent"), https: req.secure });
    });
    return { url: server.url, app, seen, classes };
  }

  it("keeps the request's prototype as it arrived, and every Express method and property still answers", async function () {
    const withClasses = await serve(true);
    const response = await fetch(`${withClasses.url}/echo/a%20b?x=1&y=2`, {
      headers: { "x-forwarded-for": "203.0.113.9", "user-agent": "customs-desk/1" },
    });
    expect(response.status).to.equal(201);
    expect(response.headers.get("x-name")).to.equal("a b");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).to.deep.equal({ ip: "203.0.113.9", query: { x: "1", y: "2" }, agent: "customs-desk/1", https: false });
    expect(withClasses.seen[0].prototypeAtArrival).to.equal(withClasses.app.request);
    expect(withClasses.seen[0].prototypeInRoute).to.equal(withClasses.app.request);

    // Without the classes, Express changes each request's prototype as it arrives (what this saves), and answers alike.
    const without = await serve(false);
    const plain = await fetch(`${without.url}/echo/a%20b?x=1&y=2`, {
      headers: { "x-forwarded-for": "203.0.113.9", "user-agent": "customs-desk/1" },
    });
    expect(plain.status).to.equal(201);
    expect(await plain.json()).to.deep.equal(body);
    expect(without.seen[0].prototypeAtArrival).not.to.equal(without.app.request);
    expect(without.seen[0].prototypeInRoute).to.equal(without.app.request);
  });

  it("makes one set of classes per app, so a second server of the same app keeps the first one's requests in place", async function () {
    const app = express();
    expect(expressServerClasses(app)).to.equal(expressServerClasses(app));
  });
});
