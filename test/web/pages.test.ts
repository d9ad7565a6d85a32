import { expect } from "chai";
import { startServer, stopServers } from "../server/server-world";
import { closeBrowser, openPage } from "./browser";

describe("web pages", function () {
  after(async () => {
    await stopServers();
    await closeBrowser();
  });

  it("the verifier is served at / and at a verification link, the console at /console, each loading its script without errors", async () => {
    const server = await startServer({ anchoring: false, indexing: false });
    const { context, page, errors } = await openPage();
    for (const [route, heading] of [
      ["/", /verif/i],
      [`/v/${"ab".repeat(32)}#k=secret`, /verif/i],
      ["/console", /console/i],
    ] as const) {
      const response = await page.goto(`${server.url}${route}`);
      expect(response?.status(), route).to.equal(200);
      expect(response?.headers()["content-security-policy"], route).to.include("script-src 'self'");
      await page.locator("h1").first().waitFor();
      expect(await page.locator("h1").first().textContent(), route).to.match(heading);
    }
    expect(errors).to.deep.equal([]);
    await context.close();
  });

  it("an asset that does not exist is a 404, not the page", async () => {
    const server = await startServer({ anchoring: false, indexing: false });
    const response = await fetch(`${server.url}/assets/nothing-here.js`);
    expect(response.status).to.equal(404);
  });
});
