/**
 * Where a node's time went, per unit of work, from a V8 CPU profile of its main thread (`node --cpu-prof`): every
 * sample's own function (self time) is put in a stage by its file, and each stage is printed in microseconds per unit.
 * `npm run bench` profiles the node while it accepts server-signed credentials (NODE_PROFILE_ARGS) and prints this for
 * that window; by hand: `npx ts-node --transpile-only bench/profile-breakdown.ts <file.cpuprofile> <units> [function]`: the
 * window is from the first to the last sample with `function` on its stack (default `submitCredential`) — the accept
 * path, the batches and transactions meanwhile included.
 * Self time of a native call (a SQLite commit waiting for the disk, a socket write) counts as its caller's stage.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Stages, first match wins: a pattern on the sample's own function's file (or name, for natives and V8's own). */
export const STAGES: [stage: string, pattern: RegExp][] = [
  // A worker thread of piscina waits for its next task in atomicsWaitLoop (Atomics.wait: asleep, not working).
  ["idle (waiting for work)", /^\(idle\)$|^atomicsWaitLoop$/],
  ["garbage collection", /^\(garbage collector\)$/],
  [
    "SQLite (queries and synced commits)",
    /better-sqlite3|store\.ts|sqlite-storage|link-keys|outbox|views-store|index-writer|certificate-state/,
  ],
  ["validation (zod, credential schemas)", /\/zod\/|src\/documents\/credentials\/|server\/validation|hex32/],
  ["signing (ES256, JWS)", /\/jose\/|crypto\/(ec|keys|sig|webcrypto)|vc-jose|src\/crypto\/keys/],
  ["payload encryption (JWE)", /payload-encryption|crypto\/(cipher|random|keygen|diffiehellman)/],
  ["hashing (SHA-256)", /crypto\/hash|documents\/hashing/],
  ["Merkle trees (keccak)", /@noble|merkle|\/ethers\/.*keccak/],
  ["IPFS (Helia, CIDs, CBOR)", /helia|multiformats|cborg|ipfs-unixfs|src\/ipfs\//],
  ["chain (JSON-RPC, ABI)", /\/ethers\/|src\/chain\//],
  [
    "HTTP (Node's server, Express, rate limit, metrics)",
    /_http|express|router|helmet|rate-limit|prom-client|body-parser|raw-body|node:net|stream|^writev$|parseurl|content-type|server\//,
  ],
  ["pipeline and verification logic", /src\//],
];

/** Each stage's time per unit on `thread`, over the samples from the first to the last with `marker` on the stack. */
export function breakdown(profile: CpuProfile, units: number, marker = "submitCredential", thread = "main thread"): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const marked = (id: number | undefined): boolean => {
    for (; id !== undefined; id = parent.get(id)) if (byId.get(id)!.callFrame.functionName === marker) return true;
    return false;
  };
  const first = profile.samples.findIndex((id) => marked(id));
  const last = profile.samples.findLastIndex((id) => marked(id));
  if (first === -1) return [`no sample has ${marker} on its stack`];
  const totals = new Map<string, number>();
  let total = 0;
  for (let i = first; i <= last; i++) {
    const frame = byId.get(profile.samples[i])!.callFrame;
    const where = frame.url === "" || frame.functionName === "atomicsWaitLoop" ? frame.functionName : frame.url;
    const stage = STAGES.find(([, pattern]) => pattern.test(where))?.[0] ?? "other (Node, V8, libraries)";
    const us = profile.timeDeltas[i + 1] ?? 0;
    totals.set(stage, (totals.get(stage) ?? 0) + us);
    total += us;
  }
  const busy = total - (totals.get("idle (waiting for work)") ?? 0);
  return [
    `${thread} over ${(total / 1e6).toFixed(2)} s, busy ${(busy / 1e6).toFixed(2)} s: ${(busy / units).toFixed(0)} µs per unit (${units} units)`,
    ...[...totals]
      .sort((a, b) => b[1] - a[1])
      .map(([stage, us]) => `  ${(us / units).toFixed(0).padStart(6)} µs  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${stage}`),
  ];
}

if (require.main === module) {
  const [file, units, marker] = process.argv.slice(2);
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  for (const line of breakdown(profile, Number(units), marker)) console.log(line);
}
