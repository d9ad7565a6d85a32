import { PROPOSAL_KINDS, type ProposalKindName } from "../../src/chain/ledger-records";
import { SIGNER_HELP, SIGNER_OPTIONS } from "./chain";
import { defineCommand } from "./command";
import { UsageError } from "./errors";
import { EXIT } from "./exit-codes";
import { action, partyArgument, withLedger, written } from "./registry";

const KINDS: Record<string, ProposalKindName> = {
  admit: "AdmitParty",
  suspend: "SuspendParty",
  reinstate: "ReinstateParty",
  threshold: "SetThreshold",
};

export const partyCommand = defineCommand({
  name: "party",
  usage: "propose|approve|execute|list … --rpc URL --deployment FILE [--keystore FILE]",
  help: [
    "The consortium's M-of-N votes on its parties, signed by a party admin's account:",
    "  party propose admit --party P --admin ADDRESS   admit a new party with its first admin",
    "  party propose suspend|reinstate --party P       suspend or reinstate a party",
    "  party propose threshold --threshold N           change the number of approvals a proposal needs",
    "  party approve <proposal id>                     approve (once per party)",
    "  party execute <proposal id>                     carry out a proposal with enough approvals (anyone may)",
    "  party list [--proposal ID]                      the parties (or one proposal)",
    "",
    "options:",
    ...SIGNER_HELP,
    "  --json               print the result as JSON",
  ].join("\n"),
  options: {
    ...SIGNER_OPTIONS,
    party: { type: "string" },
    admin: { type: "string" },
    threshold: { type: "string" },
    proposal: { type: "string" },
  },
  async run({ values, positionals }, out) {
    const [act, rest] = action(positionals, ["propose", "approve", "execute", "list"] as const);
    if (act === "list") {
      return withLedger(values, false, async (client) => {
        if (values.proposal !== undefined) {
          const proposal = await client.getProposal(proposalId(values.proposal));
          if (!proposal) throw new UsageError(`there is no proposal ${values.proposal}`);
          out.result(
            proposal,
            `proposal ${proposal.id}: ${proposal.kind} ${proposal.party ?? ""} ${proposal.admin ?? ""} threshold ${proposal.threshold}, ${proposal.approvals} approvals, ${proposal.executed ? "executed" : `expires ${new Date(Number(proposal.expiresAt) * 1000).toISOString()}`}`,
          );
          return EXIT.OK;
        }
        const parties = [];
        for (const code of await client.partyCodes()) parties.push(await client.getParty(code));
        out.result(
          parties,
          parties.map(
            (p) =>
              `${p!.code}  ${p!.status.padEnd(9)} ${p!.adminCount} admin(s)${p!.encryptionKeyThumbprint ? `, encryption key ${p!.encryptionKeyThumbprint}` : ""}`,
          ),
        );
        return EXIT.OK;
      });
    }
    if (act === "propose") {
      const kind = KINDS[rest[0] ?? ""];
      if (!kind)
        throw new UsageError(`give what to propose: ${Object.keys(KINDS).join(", ")} (kinds on chain: ${PROPOSAL_KINDS.join(", ")})`);
      const input =
        kind === "SetThreshold"
          ? { kind, threshold: Number(values.threshold ?? NaN) }
          : { kind, party: partyArgument(values.party, "--party"), admin: kind === "AdmitParty" ? values.admin : undefined };
      if (kind === "SetThreshold" && !(Number.isInteger(input.threshold) && input.threshold! >= 1))
        throw new UsageError("--threshold N is required: a whole number ≥ 1");
      if (kind === "AdmitParty" && !/^0x[0-9a-fA-F]{40}$/.test(values.admin ?? ""))
        throw new UsageError("--admin ADDRESS is required: the new party's first admin");
      return withLedger(values, true, async (client) => {
        const result = await client.propose(input);
        return written(out, `proposal ${result.proposalId} created (it counts as this party's approval)`, {
          ...result,
          proposalId: result.proposalId.toString(),
        });
      });
    }
    if (rest.length !== 1) throw new UsageError(`give the proposal id: certledger party ${act} <id>`);
    const id = proposalId(rest[0]);
    return withLedger(values, true, async (client) =>
      written(
        out,
        `proposal ${id} ${act === "approve" ? "approved" : "executed"}`,
        await (act === "approve" ? client.approve(id) : client.execute(id)),
      ),
    );
  },
});

function proposalId(text: string): bigint {
  if (!/^\d{1,20}$/.test(text)) throw new UsageError(`${text} is not a proposal id`);
  return BigInt(text);
}
