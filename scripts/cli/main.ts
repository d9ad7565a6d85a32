/**
 * `certledger`: the command-line tool. Each command group lives in its own file and is loaded only when it runs, so
 * that `certledger verify` does not pay for loading the whole node that `certledger start` needs.
 */
import { Output, parseCommand, type Command } from "./command";
import { describeFailure, UsageError } from "./errors";
import { EXIT, exitCodeHelp } from "./exit-codes";

/* eslint-disable @typescript-eslint/no-require-imports -- a command's modules are loaded only when it runs */
const GOVERNANCE = "governance and registry (signed locally with a keystore, sent to --rpc)";
const load = {
  anchor: () => require("./anchor") as typeof import("./anchor"),
  status: () => require("./status") as typeof import("./status"),
  verify: () => require("./verify") as typeof import("./verify"),
  bundle: () => require("./bundle") as typeof import("./bundle"),
  start: () => require("./start") as typeof import("./start"),
  deploy: () => require("./deploy") as typeof import("./deploy"),
  token: () => require("./token") as typeof import("./token"),
  keystore: () => require("./keystore") as typeof import("./keystore"),
  party: () => require("./party") as typeof import("./party"),
  authority: () => require("./authority") as typeof import("./authority"),
  key: () => require("./key") as typeof import("./key"),
  recognition: () => require("./recognition") as typeof import("./recognition"),
  kit: () => require("./kit") as typeof import("./kit"),
  outcomes: () => require("./outcomes") as typeof import("./outcomes"),
  origin: () => require("./origin") as typeof import("./origin"),
  sps: () => require("./sps") as typeof import("./sps"),
};
const ORIGIN = "origin declarations (through an API server)";
const COMMANDS: Record<string, { group: string; summary: string; load: () => Command }> = {
  anchor: {
    group: "certificates (through an API server)",
    summary: "anchor many files through a server, or straight to the chain as Merkle batches (--rpc); resumable",
    load: () => load.anchor().anchorCommand,
  },
  suspend: { group: "certificates (through an API server)", summary: "suspend a certificate", load: () => load.status().suspendCommand },
  reinstate: {
    group: "certificates (through an API server)",
    summary: "reinstate a suspended certificate",
    load: () => load.status().reinstateCommand,
  },
  revoke: {
    group: "certificates (through an API server)",
    summary: "revoke a certificate for good",
    load: () => load.status().revokeCommand,
  },
  verify: {
    group: "verification",
    summary: "verify a file, certHash or link through a server or straight against a JSON-RPC node",
    load: () => load.verify().verifyCommand,
  },
  sps: {
    group: "certificates (through an API server)",
    summary: "sps export|import: a phytosanitary credential as UN/CEFACT SPS XML (ePhyto), or an ePhyto anchored as one",
    load: () => load.sps().spsCommand,
  },
  bundle: { group: "verification", summary: "write a certificate's offline proof bundle", load: () => load.bundle().bundleCommand },
  "verify-bundle": {
    group: "verification",
    summary: "verify a proof bundle against any node of the chain, no server involved",
    load: () => load.bundle().verifyBundleCommand,
  },
  start: { group: "operating a node", summary: "run a whole node (what npm start does)", load: () => load.start().startCommand },
  deploy: {
    group: "operating a node",
    summary: "deploy the ledger to a JSON-RPC URL; writes the deployment file",
    load: () => load.deploy().deployCommand,
  },
  token: { group: "operating a node", summary: "mint an API token for an issuer or a party admin", load: () => load.token().tokenCommand },
  "revoke-token": {
    group: "operating a node",
    summary: "revoke an API token of your party before it expires",
    load: () => load.token().revokeTokenCommand,
  },
  keystore: {
    group: "operating a node",
    summary: "keystore new|import|list: encrypted account keys and JWK signing keys",
    load: () => load.keystore().keystoreCommand,
  },
  kit: {
    group: "operating a node",
    summary: "kit network|keys: a Besu QBFT + Kubo network and a docker-compose file per party",
    load: () => load.kit().kitCommand,
  },
  party: { group: GOVERNANCE, summary: "party propose|approve|execute|list", load: () => load.party().partyCommand },
  authority: { group: GOVERNANCE, summary: "authority add|suspend|reactivate|list", load: () => load.authority().authorityCommand },
  key: { group: GOVERNANCE, summary: "key add|rotate|compromise|list: an authority's signing keys", load: () => load.key().keyCommand },
  recognise: {
    group: GOVERNANCE,
    summary: "recognise a foreign party's (or authority's) certificate types",
    load: () => load.recognition().recogniseCommand,
  },
  unrecognise: { group: GOVERNANCE, summary: "withdraw a recognition", load: () => load.recognition().unrecogniseCommand },
  outcome: {
    group: "the importing side (through an API server)",
    summary: "record a border agency's outcome for a certificate",
    load: () => load.outcomes().outcomeCommand,
  },
  "write-off": {
    group: "the importing side (through an API server)",
    summary: "write an import declaration's quantities off a certificate",
    load: () => load.outcomes().writeOffCommand,
  },
  use: {
    group: "the importing side (through an API server)",
    summary: "a certificate's outcomes and use",
    load: () => load.outcomes().useCommand,
  },
  registration: {
    group: ORIGIN,
    summary: "look a registered exporter's or importer's number up",
    load: () => load.origin().registrationCommand,
  },
  "register-trader": {
    group: ORIGIN,
    summary: "register an exporter or importer (origin authority)",
    load: () => load.origin().registerTraderCommand,
  },
  "registration-status": {
    group: ORIGIN,
    summary: "suspend, reinstate or revoke a registration",
    load: () => load.origin().registrationStatusCommand,
  },
  declare: {
    group: ORIGIN,
    summary: "declare the origin of goods (registered exporter or importer)",
    load: () => load.origin().declareCommand,
  },
  agreement: { group: ORIGIN, summary: "agreement propose|approve|list: trade agreements", load: () => load.origin().agreementCommand },
  "recognise-under": {
    group: ORIGIN,
    summary: "accept proofs of origin from a party under an agreement",
    load: () => load.origin().recogniseAgreementCommand,
  },
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The `certledger --help` text: every command by group, and the exit codes. */
export function overallHelp(): string {
  const groups = new Map<string, string[]>();
  for (const [name, entry] of Object.entries(COMMANDS)) {
    groups.set(entry.group, [...(groups.get(entry.group) ?? []), `  ${name.padEnd(14)} ${entry.summary}`]);
  }
  return [
    "usage: certledger <command> [options]      certledger <command> --help for a command's options",
    "",
    ...[...groups].flatMap(([group, lines]) => [`${group}:`, ...lines, ""]),
    "Every command takes --json (its result as JSON on stdout) and --help. Passwords come from an environment",
    "variable or a prompt that does not echo, never from the command line.",
    "",
    exitCodeHelp(),
  ].join("\n");
}

/** Runs `certledger` with `argv` (without node and the script) and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? process.stderr : process.stdout).write(overallHelp() + "\n");
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  const json = rest.includes("--json");
  if (!entry) return fail(new UsageError(`unknown command ${JSON.stringify(name)}; certledger --help lists the commands`), json);
  let command: Command;
  try {
    command = entry.load();
  } catch (error) {
    return fail(error, json);
  }
  try {
    const input = parseCommand(command, rest);
    if (input.help) {
      process.stdout.write(`usage: certledger ${command.name} ${command.usage}\n\n${command.help}\n\n${exitCodeHelp()}\n`);
      return EXIT.OK;
    }
    return await command.run(input, new Output(input.json));
  } catch (error) {
    const code = fail(error, json);
    if (error instanceof UsageError) process.stderr.write(`usage: certledger ${command.name} ${command.usage} (--help for more)\n`);
    return code;
  }
}

/** Reports `error` on stderr (and as JSON on stdout with --json) and returns its exit code. */
function fail(error: unknown, json: boolean): number {
  const { exitCode, code, message } = describeFailure(error);
  process.stderr.write(`certledger: ${message}\n`);
  if (json) process.stdout.write(JSON.stringify({ error: { code, message }, exitCode }) + "\n");
  if (exitCode === EXIT.FAILED && process.env.CERTLEDGER_DEBUG) process.stderr.write(`${(error as Error)?.stack}\n`);
  return exitCode;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
