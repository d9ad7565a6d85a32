// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ILedgerParties} from "../interfaces/ILedgerParties.sol";
import {Party, PartyNode, PartyStatus} from "../interfaces/LedgerTypes.sol";

/// @title Parties, their admins and encryption key references.
/// @dev Admission, suspension and reinstatement are internal: only the consortium's votes reach them.
abstract contract LedgerParties is ILedgerParties {
    /// @dev Votes are counted in uint8, so the consortium has at most this many parties.
    uint256 internal constant MAX_PARTIES = 255;
    /// @dev The longest peer id or multiaddr of a party node, in bytes: an Ed25519 or RSA peer id in base58 is under
    /// 60 bytes and a DNS multiaddr with a port well under 200, so this only stops a party bloating everyone's reads.
    uint256 internal constant MAX_NODE_FIELD = 256;

    mapping(bytes2 code => Party party) private _parties;
    mapping(bytes2 code => bytes cid) private _encryptionKeyCids;
    mapping(bytes2 code => PartyNode node) private _nodes;
    mapping(address account => bytes2 party) private _adminParty;
    bytes2[] private _partyCodes;
    uint16 private _activePartyCount;

    /// @dev The caller must be an admin of `party`; the single place the party-admin rule is checked.
    modifier onlyPartyAdmin(bytes2 party) {
        _checkPartyAdmin(party);
        _;
    }

    /// @dev As {onlyPartyAdmin}, and `party` must be active.
    modifier onlyActivePartyAdmin(bytes2 party) {
        _checkPartyAdmin(party);
        _checkPartyActive(party);
        _;
    }

    /// @inheritdoc ILedgerParties
    function addPartyAdmin(bytes2 party, address account) external onlyActivePartyAdmin(party) {
        _addAdmin(party, account);
    }

    /// @inheritdoc ILedgerParties
    function removePartyAdmin(bytes2 party, address account) external onlyActivePartyAdmin(party) {
        if (_adminParty[account] != party) revert LedgerNotPartyAdmin(account, party);
        Party storage p = _parties[party];
        if (p.adminCount == 1) revert LedgerLastPartyAdmin(party);
        // Cannot underflow: adminCount >= 2 here, checked just above.
        unchecked {
            p.adminCount -= 1;
        }
        delete _adminParty[account];
        emit PartyAdminRemoved(party, account);
    }

    /// @inheritdoc ILedgerParties
    function setPartyEncryptionKey(
        bytes2 party,
        bytes32 thumbprint,
        bytes calldata cid
    ) external onlyActivePartyAdmin(party) {
        _parties[party].encryptionKeyThumbprint = thumbprint;
        _encryptionKeyCids[party] = cid;
        emit PartyEncryptionKeySet(party, thumbprint, cid);
    }

    /// @inheritdoc ILedgerParties
    function setPartyNode(
        bytes2 party,
        string calldata peerId,
        string calldata multiaddr
    ) external onlyActivePartyAdmin(party) {
        uint256 peerIdLength = bytes(peerId).length;
        uint256 multiaddrLength = bytes(multiaddr).length;
        // Both or neither: a peer id nobody can dial, or an address whose peer nobody can check, is of no use.
        if ((peerIdLength == 0) != (multiaddrLength == 0) || peerIdLength > MAX_NODE_FIELD || multiaddrLength > MAX_NODE_FIELD) {
            revert LedgerInvalidPartyNode(party, peerIdLength, multiaddrLength, MAX_NODE_FIELD);
        }
        _nodes[party] = PartyNode(peerId, multiaddr);
        emit PartyNodeSet(party, peerId, multiaddr);
    }

    /// @inheritdoc ILedgerParties
    function getParty(bytes2 party) external view returns (Party memory) {
        return _parties[party];
    }

    /// @inheritdoc ILedgerParties
    function partyEncryptionKeyCid(bytes2 party) external view returns (bytes memory) {
        return _encryptionKeyCids[party];
    }

    /// @inheritdoc ILedgerParties
    function partyNode(bytes2 party) external view returns (string memory peerId, string memory multiaddr) {
        PartyNode storage node = _nodes[party];
        return (node.peerId, node.multiaddr);
    }

    /// @inheritdoc ILedgerParties
    function partyCodes() external view returns (bytes2[] memory) {
        return _partyCodes;
    }

    /// @inheritdoc ILedgerParties
    function partyOfAdmin(address account) external view returns (bytes2) {
        return _adminParty[account];
    }

    /// @dev Admits `party` with `admin` as its first admin.
    function _admitParty(bytes2 party, address admin) internal {
        _checkNewParty(party);
        Party storage p = _parties[party];
        p.status = PartyStatus.Active;
        p.admittedAt = uint64(block.timestamp);
        _partyCodes.push(party);
        _activePartyCount += 1;
        emit PartyAdmitted(party, admin);
        _addAdmin(party, admin);
    }

    /// @dev Suspends an active `party`.
    function _suspendParty(bytes2 party) internal {
        _checkPartyActive(party);
        _parties[party].status = PartyStatus.Suspended;
        _activePartyCount -= 1;
        emit PartySuspended(party);
        _afterPartyStatusChange(party);
    }

    /// @dev Reinstates a suspended `party`.
    function _reinstateParty(bytes2 party) internal {
        _checkPartySuspended(party);
        _parties[party].status = PartyStatus.Active;
        _activePartyCount += 1;
        emit PartyReinstated(party);
        _afterPartyStatusChange(party);
    }

    /// @dev Called after `party` was suspended or reinstated, for modules that cache its status.
    function _afterPartyStatusChange(bytes2 party) internal virtual;

    function _addAdmin(bytes2 party, address account) private {
        _checkNewAdmin(account);
        _adminParty[account] = party;
        _parties[party].adminCount += 1;
        emit PartyAdminAdded(party, account);
    }

    /// @dev Reverts unless `party` is a well-formed code that no party has yet.
    function _checkNewParty(bytes2 party) internal view {
        if (!_isPartyCode(party)) revert LedgerInvalidPartyCode(party);
        if (_partyCodes.length == MAX_PARTIES) revert LedgerTooManyParties(MAX_PARTIES);
        if (_parties[party].status != PartyStatus.None) revert LedgerPartyAlreadyExists(party);
    }

    /// @dev Reverts unless `account` can become an admin: non-zero and administering no party yet.
    function _checkNewAdmin(address account) internal view {
        if (account == address(0)) revert LedgerZeroAddress();
        bytes2 current = _adminParty[account];
        if (current != bytes2(0)) revert LedgerAccountAlreadyPartyAdmin(account, current);
    }

    /// @dev Reverts unless `party` exists and is active.
    function _checkPartyActive(bytes2 party) internal view {
        PartyStatus status = _parties[party].status;
        if (status == PartyStatus.None) revert LedgerUnknownParty(party);
        if (status != PartyStatus.Active) revert LedgerPartyNotActive(party);
    }

    /// @dev Reverts unless `party` exists and is suspended.
    function _checkPartySuspended(bytes2 party) internal view {
        PartyStatus status = _parties[party].status;
        if (status == PartyStatus.None) revert LedgerUnknownParty(party);
        if (status != PartyStatus.Suspended) revert LedgerInvalidPartyStatus(party, status);
    }

    /// @dev Reverts unless the caller administers `party`.
    function _checkPartyAdmin(bytes2 party) internal view {
        if (_adminParty[msg.sender] != party || party == bytes2(0)) revert LedgerNotPartyAdmin(msg.sender, party);
    }

    /// @dev The party the caller administers, which must be active.
    function _callerActiveParty() internal view returns (bytes2 party) {
        party = _adminParty[msg.sender];
        if (party == bytes2(0)) revert LedgerNotPartyAdmin(msg.sender, party);
        _checkPartyActive(party);
    }

    function _isPartyAdmin(address account, bytes2 party) internal view returns (bool) {
        return party != bytes2(0) && _adminParty[account] == party;
    }

    function _partyStatus(bytes2 party) internal view returns (PartyStatus) {
        return _parties[party].status;
    }

    /// @dev Every party ever admitted (at most MAX_PARTIES), for loops over the consortium.
    function _allPartyCodes() internal view returns (bytes2[] storage) {
        return _partyCodes;
    }

    function _activeParties() internal view returns (uint16) {
        return _activePartyCount;
    }

    function _isPartyCode(bytes2 code) private pure returns (bool) {
        return _isUpper(code[0]) && _isUpper(code[1]);
    }

    function _isUpper(bytes1 c) private pure returns (bool) {
        return c >= 0x41 && c <= 0x5A;
    }
}
