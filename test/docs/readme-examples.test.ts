/**
 * The README's quick start and the task guides in docs/ work as written: every shell block marked `<!-- doc-test -->`
 * runs with bash, in order, against one fresh node (`server/main.ts` on a temp data folder and free ports), from a
 * folder inside the project (so `npx certledger` and `examples/` resolve as they do for a reader). A ```text block
 * right after a marked block is what it prints: each of its lines must match an output line, in order, where `…`
 * stands for anything (a hash, a time) and http://127.0.0.1:8080 for this node's address.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { freePort, startNode, type NodeProcess } from "../e2e/node-process";

const ROOT = path.resolve(__dirname, "../..");
const DOCUMENTS = [
  "README.md",
  "docs/issuing-authority.md",
  "docs/customs-officer.md",
  "docs/bank.md",
  "docs/origin-declarations.md",
  "docs/sps-xml.md",
];
const MARKER = "<!-- doc-test -->";
const README_API = "http://127.0.0.1:8080";

interface Example {
  file: string;
  line: number;
  script: string;
  prints?: string[];
}

/** The marked ```sh blocks of `markdown`, each with the ```text block that follows it (before any other block or heading). */
export function markedExamples(file: string, markdown: string): Example[] {
  const lines = markdown.split("\n");
  const examples: Example[] = [];
  const fenceEnd = (from: number) => {
    let end = from + 1;
    while (end < lines.length && lines[end].trim() !== "```") end++;
    return end;
  };
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== MARKER) continue;
    let start = i + 1;
    while (start < lines.length && lines[start].trim() === "") start++;
    if (lines[start]?.trim() !== "```sh") throw new Error(`${file}:${i + 1}: ${MARKER} is not followed by a \`\`\`sh block`);
    const end = fenceEnd(start);
    const example: Example = { file, line: start + 1, script: lines.slice(start + 1, end).join("\n") };
    for (let j = end + 1; j < lines.length; j++) {
      const text = lines[j].trim();
      if (text === "```text") {
        example.prints = lines.slice(j + 1, fenceEnd(j)).filter((l) => l.trim() !== "");
        break;
      }
      if (text.startsWith("```") || text.startsWith("#") || text === MARKER) break;
    }
    examples.push(example);
    i = end;
  }
  return examples;
}

/** Whether every expected line matches an output line, in order ("…" matches anything). */
function unmatched(expected: string[], output: string, api: string): string | undefined {
  const got = output.split("\n").map((l) => l.trimEnd());
  let at = 0;
  for (const line of expected) {
    const pattern = line
      .replaceAll(README_API, api)
      .trimEnd()
      .split("…")
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*");
    const regex = new RegExp(`^${pattern}$`);
    const found = got.findIndex((g, k) => k >= at && regex.test(g));
    if (found < 0) return line;
    at = found + 1;
  }
  return undefined;
}

function runBash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-e", "-o", "pipefail", "-c", script], { cwd, env: { ...process.env, ...env }, timeout: 60_000 });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("close", (code) => resolve({ code, output }));
  });
}

describe("docs: the README's and the guides' marked shell examples", function () {
  this.timeout(300_000);
  let node: NodeProcess | undefined;
  let dataDir: string;
  let workDir: string;
  let env: Record<string, string>;
  const examples: Example[] = [];

  before(async function () {
    for (const file of DOCUMENTS) examples.push(...markedExamples(file, await readFile(path.join(ROOT, file), "utf8")));
    dataDir = await mkdtemp(path.join(os.tmpdir(), "certledger-docs-"));
    const [port, chainPort] = [await freePort(), await freePort()];
    node = startNode({ DATA_DIR: dataDir, PORT: String(port), CHAIN_PORT: String(chainPort) });
    // Inside the project, as a reader's shell is: `npx certledger` finds the project's bin, `examples/` is at hand.
    workDir = path.join(ROOT, "test-output", "doc-test");
    await rm(workDir, { recursive: true, force: true });
    await mkdir(workDir, { recursive: true });
    await symlink(path.join(ROOT, "examples"), path.join(workDir, "examples"));
    env = {
      CERTLEDGER_API: `http://127.0.0.1:${port}`,
      CERTLEDGER_RPC: `http://127.0.0.1:${chainPort}`,
      DATA_DIR: dataDir,
      // Nothing of the test's own environment may stand in for what a reader sets.
      CERTLEDGER_TOKEN: "",
      RPC_URL: "",
    };
    await node.ready();
  });

  after(async function () {
    if (node) {
      node.child.kill("SIGINT");
      await node.exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it("finds the marked blocks: the README's quick start and each guide's", function () {
    for (const file of DOCUMENTS)
      expect(
        examples.some((e) => e.file === file),
        file,
      ).to.equal(true);
    expect(
      examples.every((e) => e.prints && e.prints.length > 0),
      "every marked block says what it prints",
    ).to.equal(true);
  });

  it("each runs with bash, in order, against one fresh node, and prints what its page says", async function () {
    for (const example of examples) {
      const { code, output } = await runBash(example.script, workDir, env);
      const where = `${example.file}:${example.line}`;
      expect(code, `${where} exited with ${code}:\n${output}`).to.equal(0);
      const missing = unmatched(example.prints ?? [], output, env.CERTLEDGER_API);
      expect(missing, `${where} did not print\n  ${missing}\nbut:\n${output}`).to.equal(undefined);
    }
  });
});
