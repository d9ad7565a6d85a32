/** The consortium's parties (for the number lookup and the recognition picker), and the person's own, remembered. */
import { api } from "../shared/api";

const RECOGNISING_KEY = "certledger.recognisingParty";

/** The codes of the ledger's parties (GET /v1/parties): a suspended party's certificates can still be looked up. */
export async function loadParties(): Promise<string[]> {
  const { parties } = await api<{ parties: { code: string }[] }>("/v1/parties");
  return parties.map((p) => p.code).sort();
}

/** The party the person chose on an earlier visit for "recognised by", or "". */
export function rememberedRecognisingParty(): string {
  const stored = localStorage.getItem(RECOGNISING_KEY) ?? "";
  return /^[A-Z]{2}$/.test(stored) ? stored : "";
}

/** Remembers (or, with "", forgets) the party for "recognised by". */
export function rememberRecognisingParty(party: string): void {
  if (party) localStorage.setItem(RECOGNISING_KEY, party);
  else localStorage.removeItem(RECOGNISING_KEY);
}
