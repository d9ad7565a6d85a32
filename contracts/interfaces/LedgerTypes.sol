// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice Lifecycle of a party (an economy of the consortium, keyed by its ISO 3166-1 alpha-2 code).
enum PartyStatus {
    None,
    Active,
    Suspended
}

/// @notice Lifecycle of an issuing authority.
enum AuthorityStatus {
    None,
    Active,
    Suspended
}

/// @notice Stored status of a certificate. Active → Suspended ⇄ Active; Active/Suspended → Revoked (final).
enum CertificateStatus {
    None,
    Active,
    Suspended,
    Revoked
}

/// @notice What a certificate is at a given time: the stored status, plus `Expired` past its validUntil
/// and `Unknown` before issuance or when it was never anchored.
enum CertificateState {
    Unknown,
    Active,
    Suspended,
    Revoked,
    Expired
}

/// @notice What a consortium proposal does once executed.
enum ProposalKind {
    AdmitParty,
    SuspendParty,
    ReinstateParty,
    SetThreshold
}

/// @notice A party as the ledger keeps it.
/// @dev Slot 0: status (8) | adminCount (16) | admittedAt (64). Slot 1: encryptionKeyThumbprint.
struct Party {
    PartyStatus status;
    uint16 adminCount;
    uint64 admittedAt;
    bytes32 encryptionKeyThumbprint;
}

/// @notice A party's IPFS node: its libp2p peer id (e.g. "12D3KooW…") and the multiaddr other parties dial
/// (e.g. "/dns4/ipfs.example.kg/tcp/4001"). Two strings, a slot or more each: set rarely, read by servers, never by anchoring.
struct PartyNode {
    string peerId;
    string multiaddr;
}

/// @notice An issuing authority. `scope` is a bit set of certificate types: bit `t` set means type `t` may be issued.
/// @dev One slot: party (16) | status (8) | scope (64) | validFrom (64) | validUntil (64) = 216 bits.
struct Authority {
    bytes2 party;
    AuthorityStatus status;
    uint64 scope;
    uint64 validFrom;
    uint64 validUntil;
}

/// @notice A signing key of an authority, identified by the authority and the key's RFC 7638 JWK thumbprint.
/// @dev Slot 0: authorityId (32) | validFrom (64) | validUntil (64) | compromisedAt (64). Slot 1: alg.
/// `authorityId == 0` means no such record; `compromisedAt == 0` means not compromised.
struct SigningKey {
    uint32 authorityId;
    uint64 validFrom;
    uint64 validUntil;
    uint64 compromisedAt;
    bytes16 alg;
}

/// @notice A certificate's record, one storage slot:
/// authorityId (32) | certType (8) | status (8) | revocationReason (8) | issuedAt (64) | validUntil (64) | statusChangedAt (64) = 248 bits.
/// @dev `statusChangedAt` is the start of the current suspension, the effective time of the revocation,
/// or the time of the last reinstatement. Earlier periods live in the events.
struct CertificateRecord {
    uint32 authorityId;
    uint8 certType;
    CertificateStatus status;
    uint8 revocationReason;
    uint64 issuedAt;
    uint64 validUntil;
    uint64 statusChangedAt;
}

/// @notice A Merkle batch of certificates of one type anchored by one authority in one transaction.
/// @dev One slot: authorityId (32) | certType (8) | leafCount (32) | issuedAt (64) = 136 bits.
struct Batch {
    uint32 authorityId;
    uint8 certType;
    uint32 leafCount;
    uint64 issuedAt;
}

/// @notice One certificate inside a batch, with the Merkle proof that places it under `root`.
/// A batch is known by its root *and* the authority that anchored it, and every leaf names that authority:
/// `keccak256(bytes.concat(keccak256(abi.encode(certHash, numberHash, validUntil, authorityId))))`, the encoding of
/// `@openzeppelin/merkle-tree`'s StandardMerkleTree for `["bytes32", "bytes32", "uint64", "uint32"]`. So another
/// authority that anchors the same root first neither blocks the batch nor proves any of its certificates as its own.
struct BatchMember {
    bytes32 root;
    uint32 authorityId;
    bytes32 certHash;
    bytes32 numberHash;
    uint64 validUntil;
    bytes32[] proof;
}

/// @notice A consortium proposal.
/// @dev Two slots (kind, party, threshold, approvals, executed, expiresAt | admin): proposals are rare, not worth packing tighter.
struct Proposal {
    ProposalKind kind;
    bytes2 party;
    uint8 threshold;
    uint8 approvals;
    bool executed;
    uint64 expiresAt;
    address admin;
}
