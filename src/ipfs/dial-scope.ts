/**
 * Which addresses a node dials for another party. A party admin may register any multiaddr as its party's node
 * (setPartyNode), and every other party's node then dials it, every few seconds while it fails: without a bound, one
 * party could make all the others knock on their own loopback services, on hosts of their private networks, or on a
 * cloud's metadata address. A node dials only TCP addresses of its own scope or wider: a node listening on loopback
 * (one machine: `npm run network`, tests) dials anything; one on a private network (or on every interface) dials
 * private and public addresses; one on a public address, public ones only. Unspecified, link-local (169.254/16,
 * the metadata address among them; fe80::/10), multicast and reserved addresses are never dialled.
 */
import { isIP } from "node:net";

/** The widest class of addresses a node dials: each scope includes the ones after it. */
export type DialScope = "loopback" | "private" | "public";

/** What an address is: a scope, or never to be dialled. */
export type AddressClass = DialScope | "never";

const RANK: Record<DialScope, number> = { loopback: 0, private: 1, public: 2 };

/** Whether a node of `scope` may dial an address of class `address`. */
export function mayDial(scope: DialScope, address: AddressClass): boolean {
  return address !== "never" && RANK[address] >= RANK[scope];
}

/** The scope of a node listening at multiaddr `listen` (its IPFS_LISTEN). */
export function scopeOfListen(listen: string): DialScope {
  const host = /^\/(?:ip4|ip6|dns4|dns6|dns)\/([^/]+)\//.exec(listen)?.[1] ?? "";
  if (host === "0.0.0.0" || host === "::") return "private";
  const found = classOfHost(host);
  return found === "never" ? "private" : found;
}

/** The class of a multiaddr a party registered: only `/ip4|ip6|dns4|dns6|dns/<host>/tcp/<port>[/p2p/<id>]` is dialled. */
export function addressClass(multiaddr: string): AddressClass {
  const match = /^\/(ip4|ip6|dns4|dns6|dns)\/([^/]+)\/tcp\/(\d{1,5})(?:\/p2p\/[^/]+)?$/.exec(multiaddr);
  if (!match) return "never";
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return "never";
  const [, protocol, host] = match;
  if (protocol === "ip4" && isIP(host) !== 4) return "never";
  if (protocol === "ip6" && isIP(host) !== 6) return "never";
  return classOfHost(host);
}

function classOfHost(host: string): AddressClass {
  const family = isIP(host);
  if (family === 4) return classOfIPv4(host);
  if (family === 6) return classOfIPv6(host.toLowerCase());
  // A DNS name is judged by its name alone: what it resolves to is the resolver's (see the README's threat model).
  const name = host.toLowerCase().replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost") ? "loopback" : "public";
}

function classOfIPv4(host: string): AddressClass {
  const [a, b] = host.split(".").map(Number);
  if (a === 127) return "loopback";
  if (a === 0 || (a === 169 && b === 254) || a >= 224) return "never";
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return "private";
  return "public";
}

function classOfIPv6(host: string): AddressClass {
  if (host === "::1") return "loopback";
  if (host === "::") return "never";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  if (mapped) return classOfIPv4(mapped[1]);
  if (/^fe[89ab]/.test(host) || host.startsWith("ff")) return "never";
  if (/^f[cd]/.test(host)) return "private";
  return "public";
}
