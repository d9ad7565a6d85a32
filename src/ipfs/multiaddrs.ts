/** Multiaddrs ("/ip4/127.0.0.1/tcp/4001/p2p/12D3Koo…") as the Helia store's options and `connect` take them. */
import type { Multiaddr } from "@multiformats/multiaddr" with { "resolution-mode": "import" };
import { CertLedgerError, type CertLedgerErrorCode } from "../errors";

/** Parses `text`; a bad one throws `code` with a message that starts with `label` (an option name, say). */
export async function parseMultiaddr(text: string, label: string, code: CertLedgerErrorCode): Promise<Multiaddr> {
  if (typeof text !== "string") throw new CertLedgerError(code, `${label}: expected a multiaddr string, got ${typeof text}`);
  // The copy libp2p itself depends on, so the objects are the ones its dialer and listener expect.
  const { multiaddr } = await import("@multiformats/multiaddr");
  try {
    return multiaddr(text);
  } catch (cause) {
    throw new CertLedgerError(code, `${label}: ${JSON.stringify(text)} is not a multiaddr (${(cause as Error).message})`, { cause });
  }
}

/** The peer id in `address`'s /p2p/ part, if it has one. */
export function peerIdOf(address: Multiaddr): string | undefined {
  return address.getComponents().findLast((component) => component.name === "p2p")?.value;
}

/**
 * The address to dial peer `peerId` at: `multiaddr` with /p2p/<peerId> appended when it has no /p2p/ part. One that
 * names another peer is refused (INVALID_MULTIADDR), since the dial would reach a node other than the one admitted.
 */
export async function peerAddress(peerId: string, multiaddr: string, label: string): Promise<Multiaddr> {
  const address = await parseMultiaddr(multiaddr, label, "INVALID_MULTIADDR");
  const named = peerIdOf(address);
  if (named === undefined) return parseMultiaddr(`${address.toString()}/p2p/${peerId}`, label, "INVALID_MULTIADDR");
  if (named !== peerId) {
    throw new CertLedgerError("INVALID_MULTIADDR", `${label}: ${multiaddr} names peer ${named}, not ${peerId}`);
  }
  return address;
}
