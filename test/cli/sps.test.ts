import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { generateSigningKey } from "../../src/crypto/keys";
import { buildCredential } from "../../src/documents/credentials";
import { credentialToSpsXml } from "../../src/documents/sps";
import { signCredential } from "../../src/documents/vc-jose";
import { EXAMPLE_INPUTS } from "../documents/credential-examples";
import { KG_APPLES_TO_KZ } from "../documents/sps/sps-examples";
import { runCli } from "./cli-process";

describe("certledger sps", function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "certledger-sps-"));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it("export writes a signed phytosanitary credential as SPS XML, offline; another type exits 3 naming it", async function () {
    const key = await generateSigningKey();
    const vc = buildCredential(KG_APPLES_TO_KZ);
    const jwt = path.join(dir, "apples.jwt");
    await writeFile(jwt, await signCredential(vc, key));
    const out = path.join(dir, "apples.xml");
    const result = await runCli(["sps", "export", jwt, "--out", out]);
    expect(result.code, result.stderr).to.equal(0);
    expect(await readFile(out, "utf8")).to.equal(credentialToSpsXml(vc));

    const other = path.join(dir, "conformity.jwt");
    await writeFile(other, await signCredential(buildCredential(EXAMPLE_INPUTS.conformityCertificate), key));
    const refused = await runCli(["sps", "export", other]);
    expect(refused.code).to.equal(3);
    expect(refused.stderr).to.match(/NOT_PHYTOSANITARY_CERTIFICATE/);
  });

  it("import needs --api and a token, and a readable file (exit 2)", async function () {
    const missing = await runCli(["sps", "import", path.join(dir, "nothing.xml"), "--api", "http://127.0.0.1:9", "--token", "t"]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.match(/cannot read/);
    const xml = path.join(dir, "apples-import.xml");
    await writeFile(xml, credentialToSpsXml(buildCredential(KG_APPLES_TO_KZ)));
    const noApi = await runCli(["sps", "import", xml], { CERTLEDGER_API: "", CERTLEDGER_TOKEN: "" });
    expect(noApi.code).to.equal(2);
    expect(noApi.stderr).to.match(/--token is required/);
  });
});
