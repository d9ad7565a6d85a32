import type { Router } from "express";
import type { AppDependencies } from "../dependencies";
import { defineOperation, mount, problems, type MountContext } from "../operation";
import { problemOf, sendProblem } from "../problem";
import { CertLedgerError } from "../../src/errors";
import { recentAnswer } from "../recent-answer";
import { health, readiness } from "../schemas";

/** How long each dependency may take to answer a readiness probe. */
const PROBE_TIMEOUT_MS = 3_000;
/**
 * How long the chain's and IPFS's answers to a probe stand for every /readyz request (anyone may ask, at any rate):
 * the requests that arrive while a probe is under way share it, and those of the next 100 ms its answer. Short, so
 * that readiness says at once what went down (an orchestrator, or the outage tests, ask right after).
 */
const PROBE_REUSE_MS = 100;
/** The bytes the IPFS probe stores and reads back (the same tiny block every time). */
const IPFS_PROBE = new TextEncoder().encode("certledger readiness probe\n");

/** Liveness and readiness, for orchestrators and load balancers. */
export const healthOperations = {
  healthz: defineOperation({
    operationId: "healthz",
    method: "get",
    path: "/healthz",
    summary: "Liveness: the process answers",
    tags: ["service"],
    responses: { 200: { description: "alive", schema: health } },
  }),
  readyz: defineOperation({
    operationId: "readyz",
    method: "get",
    path: "/readyz",
    summary: "Readiness: the chain and IPFS answer and the index has caught up",
    description: "503 (problem+json, code NOT_READY) names what is not ready in `details.checks`.",
    tags: ["service"],
    responses: { 200: { description: "ready", schema: readiness }, ...problems(503) },
  }),
};

type CheckResult = { ok: boolean; detail: string };

/** Mounts the health routes. */
export function mountHealthRoutes(router: Router, deps: AppDependencies, context: MountContext): void {
  mount(router, healthOperations.healthz, context, async () => ({ status: 200, body: { status: "ok" } }));

  // The index's check reads memory; the chain's and IPFS's cost a request and a write each, so they are shared.
  const dependencies = recentAnswer(() => Promise.all([probe(chainCheck(deps)), probe(ipfsCheck(deps))]), PROBE_REUSE_MS);
  mount(router, healthOperations.readyz, context, async ({ res }) => {
    const [[chain, ipfs], index] = await Promise.all([dependencies(), probe(indexCheck(deps))]);
    const checks = { chain, ipfs, index };
    const notReady = Object.entries(checks).filter(([, check]) => !check.ok);
    if (notReady.length === 0) return { status: 200, body: { ready: true, checks } };
    const problem = problemOf(new CertLedgerError("NOT_READY", "not ready"), "/readyz");
    problem.detail = `Not ready: ${notReady.map(([name, check]) => `${name} (${check.detail})`).join("; ")}.`;
    problem.details = { checks };
    sendProblem(res, problem);
  });
}

async function chainCheck(deps: AppDependencies): Promise<CheckResult> {
  const block = await deps.client.blockNumber();
  // The chain answers, but went back (a power cut of the embedded node): anchors are being checked and sent again.
  if (deps.batcher?.health().chain === "reconciling") return { ok: false, detail: `reconciling (at block ${block})` };
  return { ok: true, detail: `at block ${block}` };
}

async function ipfsCheck(deps: AppDependencies): Promise<CheckResult> {
  const cid = await deps.payloads.add(IPFS_PROBE, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  await deps.payloads.get(cid, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  return { ok: true, detail: "stores and reads blocks" };
}

async function indexCheck(deps: AppDependencies): Promise<CheckResult> {
  const status = deps.index.status();
  const where = `block ${status.lastBlock} of ${status.headBlock}, ${status.lagBlocks} behind`;
  if (status.caughtUp) return { ok: true, detail: `caught up (${where})` };
  return { ok: false, detail: status.lastError ? `failing: ${status.lastError.code}` : `catching up (${where})` };
}

/** A check's outcome within the probe timeout; a failure says only its code, never a host or a path. */
async function probe(check: Promise<CheckResult>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${PROBE_TIMEOUT_MS} ms` }), PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check.catch((error: unknown) => ({ ok: false, detail: `unavailable: ${problemOf(error).code}` })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
