/**
 * `npm run demo:cross-border [-- --dir DIR --keep]`: the cross-border scenario of issue #7 told step by step, with its
 * figures (verdicts, the revocation's propagation delay), on a fresh network of real servers (scripts/network.ts).
 * The steps are scripts/cross-border-scenario.ts, the same code the end-to-end test runs.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { CrossBorderScenario } from "./cross-border-scenario";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { dir: { type: "string" }, keep: { type: "boolean", default: false }, help: { type: "boolean", short: "h" } },
    strict: true,
  });
  if (values.help) {
    console.log("usage: npm run demo:cross-border -- [--dir DIR (a fresh folder; default a temporary one)] [--keep (leave it)]");
    return;
  }
  const dir = values.dir ? path.resolve(values.dir) : await mkdtemp(path.join(os.tmpdir(), "certledger-demo-"));
  // A temporary network is thrown away at the end: its keystores need no costly scrypt (each server opens three).
  const scenario = new CrossBorderScenario({ dir, scryptN: values.dir ? undefined : 1024, narrate: (line) => console.log(line) });
  const startedAt = Date.now();
  try {
    await scenario.start();
    await scenario.step1();
    await scenario.step2();
    await scenario.step3();
    await scenario.step4();
    const { delaysMs } = await scenario.step5();
    await scenario.step6();
    await scenario.step7();
    console.log(
      `\nDone in ${((Date.now() - startedAt) / 1000).toFixed(1)} s. Revocation seen by KZ after ${delaysMs.KZ} ms, by UZ after ${delaysMs.UZ} ms.`,
    );
  } finally {
    await scenario.stop();
    if (!values.keep && !values.dir) await rm(dir, { recursive: true, force: true });
    else console.log(`The network's data stays in ${dir}.`);
  }
}

main().catch((error: unknown) => {
  console.error(`demo:cross-border: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
