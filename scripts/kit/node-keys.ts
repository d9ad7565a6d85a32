import { randomBytes } from "node:crypto";
import { computeAddress, SigningKey } from "ethers";

/**
 * The keys a party's nodes are known by: its Besu node key (secp256k1; its address is the party's QBFT validator, its
 * public key the node's enode ID) and its Kubo peer identity (Ed25519, as libp2p marshals it). Generated here, or made
 * by the party itself with `certledger kit keys`, so that only the public halves travel.
 */
export interface PartyNodeKeys {
  /** The Besu node key, 0x hex (Besu's `key` file); absent when only the public half is known. */
  nodePrivateKey?: string;
  /** The uncompressed public key without its 04 prefix: 64 bytes, 0x hex (the enode ID). */
  nodePublicKey: string;
  /** The node's address: the QBFT validator. */
  validator: string;
  /** The Kubo peer ID (12D3KooW…). */
  kuboPeerId: string;
  /** Kubo's `Identity.PrivKey`: the protobuf-marshalled libp2p private key, base64; absent when only the public half is known. */
  kuboPrivateKey?: string;
}

type Libp2pKeys = typeof import("@libp2p/crypto/keys", { with: { "resolution-mode": "import" } });
type Libp2pPeerId = typeof import("@libp2p/peer-id", { with: { "resolution-mode": "import" } });

/** A fresh Besu node key and Kubo identity. */
export async function generatePartyNodeKeys(): Promise<PartyNodeKeys> {
  // ESM-only packages (see src/crypto/jose.ts for why they are imported this way).
  const keys: Libp2pKeys = await import("@libp2p/crypto/keys");
  const peerIds: Libp2pPeerId = await import("@libp2p/peer-id");
  const nodeKey = new SigningKey(randomBytes(32));
  const kuboKey = await keys.generateKeyPair("Ed25519");
  return {
    nodePrivateKey: nodeKey.privateKey,
    ...nodePublicParts(nodeKey.publicKey),
    kuboPeerId: peerIds.peerIdFromPrivateKey(kuboKey).toString(),
    kuboPrivateKey: Buffer.from(keys.privateKeyToProtobuf(kuboKey)).toString("base64"),
  };
}

/** The enode ID and validator address of a secp256k1 public key (64 bytes, or 65 with the 04 prefix). */
export function nodePublicParts(publicKey: string): { nodePublicKey: string; validator: string } {
  const hex = publicKey.replace(/^0x/, "");
  const uncompressed = "0x" + (hex.length === 128 ? "04" + hex : hex);
  const validator = computeAddress(SigningKey.computePublicKey(uncompressed, false));
  return { nodePublicKey: "0x" + uncompressed.slice(4).toLowerCase(), validator };
}

/** The peer ID of a Kubo `Identity.PrivKey` (base64 protobuf), to check that a key and a peer ID belong together. */
export async function kuboPeerIdOf(privateKeyBase64: string): Promise<string> {
  const keys: Libp2pKeys = await import("@libp2p/crypto/keys");
  const peerIds: Libp2pPeerId = await import("@libp2p/peer-id");
  return peerIds.peerIdFromPrivateKey(keys.privateKeyFromProtobuf(Buffer.from(privateKeyBase64, "base64"))).toString();
}

/** A new libp2p private-network key (the `swarm.key` file format: PSK v1, base16). */
export function generateSwarmKey(): string {
  return `/key/swarm/psk/1.0.0/\n/base16/\n${randomBytes(32).toString("hex")}\n`;
}

/** Whether `text` is a swarm.key file. */
export function isSwarmKey(text: string): boolean {
  return /^\/key\/swarm\/psk\/1\.0\.0\/\r?\n\/base16\/\r?\n[0-9a-f]{64}\s*$/.test(text);
}
