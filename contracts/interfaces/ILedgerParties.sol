// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Party, PartyStatus} from "./LedgerTypes.sol";

/// @title Parties of the consortium: their admin accounts and encryption key references.
/// @notice A party is an economy, keyed by its ISO 3166-1 alpha-2 code (e.g. "KG"). Each party manages its own
/// admin accounts and its encryption public key reference, and nobody else's.
interface ILedgerParties {
    /// @notice `code` is not two upper-case ASCII letters.
    error LedgerInvalidPartyCode(bytes2 code);
    /// @notice No party is registered under `party`.
    error LedgerUnknownParty(bytes2 party);
    /// @notice A party with `party` as its code already exists.
    error LedgerPartyAlreadyExists(bytes2 party);
    /// @notice `party` is not active (it is suspended), so it may not act.
    error LedgerPartyNotActive(bytes2 party);
    /// @notice The consortium already has the most parties allowed (`max`).
    error LedgerTooManyParties(uint256 max);
    /// @notice `party` has status `status`, which does not allow this change.
    error LedgerInvalidPartyStatus(bytes2 party, PartyStatus status);
    /// @notice `account` is not an admin of `party`.
    error LedgerNotPartyAdmin(address account, bytes2 party);
    /// @notice `account` is already an admin of `party`; an account administers at most one party.
    error LedgerAccountAlreadyPartyAdmin(address account, bytes2 party);
    /// @notice Removing the last admin of `party` would leave it unmanageable.
    error LedgerLastPartyAdmin(bytes2 party);
    /// @notice The zero address cannot be an admin or an authority account.
    error LedgerZeroAddress();
    /// @notice A party node needs both a peer id and a multiaddr (or neither, to withdraw it), each at most
    /// `max` bytes long; `party` gave `peerIdLength` and `multiaddrLength` bytes.
    error LedgerInvalidPartyNode(bytes2 party, uint256 peerIdLength, uint256 multiaddrLength, uint256 max);

    /// @notice `party` joined the consortium with `admin` as its first admin.
    event PartyAdmitted(bytes2 indexed party, address indexed admin);
    /// @notice `party` was suspended by a consortium vote: its admins and authorities can no longer write.
    event PartySuspended(bytes2 indexed party);
    /// @notice `party` was reinstated by a consortium vote.
    event PartyReinstated(bytes2 indexed party);
    /// @notice `account` became an admin of `party`.
    event PartyAdminAdded(bytes2 indexed party, address indexed account);
    /// @notice `account` is no longer an admin of `party`.
    event PartyAdminRemoved(bytes2 indexed party, address indexed account);
    /// @notice `party` registered its encryption public key: RFC 7638 `thumbprint` and the IPFS `cid` of the JWK.
    event PartyEncryptionKeySet(bytes2 indexed party, bytes32 thumbprint, bytes cid);
    /// @notice `party` registered its IPFS node: libp2p `peerId` and the `multiaddr` other parties dial (both empty:
    /// the party withdrew its node).
    event PartyNodeSet(bytes2 indexed party, string peerId, string multiaddr);

    /// @notice Adds `account` as an admin of `party`. Only an admin of `party` may call.
    function addPartyAdmin(bytes2 party, address account) external;

    /// @notice Removes `account` as an admin of `party`; the last admin cannot be removed. Only an admin of `party` may call.
    function removePartyAdmin(bytes2 party, address account) external;

    /// @notice Records `party`'s encryption public key: its RFC 7638 `thumbprint` and the IPFS `cid` of the JWK.
    /// Only an admin of `party` may call.
    function setPartyEncryptionKey(bytes2 party, bytes32 thumbprint, bytes calldata cid) external;

    /// @notice Records `party`'s IPFS node: its libp2p `peerId` and the `multiaddr` the other parties' nodes dial. Nodes
    /// of the consortium exchange payloads only with the nodes registered here for active parties. Both empty withdraws
    /// the node. Only an admin of `party` may call, while `party` is active.
    function setPartyNode(bytes2 party, string calldata peerId, string calldata multiaddr) external;

    /// @notice The record of `party` (status `None` when unknown).
    function getParty(bytes2 party) external view returns (Party memory);

    /// @notice The IPFS CID of `party`'s encryption public key (JWK), empty when none was set.
    function partyEncryptionKeyCid(bytes2 party) external view returns (bytes memory);

    /// @notice `party`'s IPFS node: its libp2p peer id and multiaddr, both empty when none is registered.
    function partyNode(bytes2 party) external view returns (string memory peerId, string memory multiaddr);

    /// @notice The codes of every party ever admitted, in order of admission.
    function partyCodes() external view returns (bytes2[] memory);

    /// @notice The party that `account` administers, or `0x0000` when none.
    function partyOfAdmin(address account) external view returns (bytes2);
}
