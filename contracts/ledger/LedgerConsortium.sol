// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ILedgerConsortium} from "../interfaces/ILedgerConsortium.sol";
import {PartyStatus, Proposal, ProposalKind} from "../interfaces/LedgerTypes.sol";
import {LedgerParties} from "./LedgerParties.sol";

/// @title Consortium governance: M-of-N votes of the parties over admitting, suspending and reinstating parties
/// and over the threshold itself.
abstract contract LedgerConsortium is LedgerParties, ILedgerConsortium {
    mapping(uint256 proposalId => Proposal proposal) private _proposals;
    mapping(uint256 proposalId => mapping(bytes2 party => bool)) private _approvals;
    uint256 private _proposalCount;
    uint8 private _threshold;
    uint64 private immutable PROPOSAL_LIFETIME;

    constructor(uint64 lifetime) {
        PROPOSAL_LIFETIME = lifetime;
    }

    /// @inheritdoc ILedgerConsortium
    function propose(
        ProposalKind kind,
        bytes2 party,
        address admin,
        uint8 newThreshold
    ) external returns (uint256 proposalId) {
        bytes2 proposerParty = _callerActiveParty();
        _checkProposal(kind, party, admin, newThreshold);
        proposalId = ++_proposalCount;
        uint64 expiresAt = uint64(block.timestamp) + PROPOSAL_LIFETIME;
        _proposals[proposalId] = Proposal({
            kind: kind,
            party: party,
            threshold: newThreshold,
            approvals: 0,
            executed: false,
            expiresAt: expiresAt,
            admin: admin
        });
        emit ProposalCreated(proposalId, proposerParty, msg.sender, kind, party, admin, newThreshold, expiresAt);
        _approve(proposalId, proposerParty);
    }

    /// @inheritdoc ILedgerConsortium
    function approve(uint256 proposalId) external {
        bytes2 party = _callerActiveParty();
        _checkOpen(proposalId);
        if (_approvals[proposalId][party]) revert LedgerProposalAlreadyApproved(proposalId, party);
        _approve(proposalId, party);
    }

    /// @inheritdoc ILedgerConsortium
    function execute(uint256 proposalId) external {
        Proposal storage p = _checkOpen(proposalId);
        uint8 required = requiredApprovals();
        uint8 approvals = activeApprovals(proposalId);
        if (approvals < required) revert LedgerProposalNotApproved(proposalId, approvals, required);
        // Checked again: another proposal may have changed the parties since this one was made.
        _checkProposal(p.kind, p.party, p.admin, p.threshold);
        p.executed = true;
        emit ProposalExecuted(proposalId);
        if (p.kind == ProposalKind.AdmitParty) _admitParty(p.party, p.admin);
        else if (p.kind == ProposalKind.SuspendParty) _suspendParty(p.party);
        else if (p.kind == ProposalKind.ReinstateParty) _reinstateParty(p.party);
        else _setThreshold(p.threshold);
    }

    /// @inheritdoc ILedgerConsortium
    function getProposal(uint256 proposalId) external view returns (Proposal memory) {
        return _proposals[proposalId];
    }

    /// @inheritdoc ILedgerConsortium
    function hasApproved(uint256 proposalId, bytes2 party) external view returns (bool) {
        return _approvals[proposalId][party];
    }

    /// @inheritdoc ILedgerConsortium
    function proposalCount() external view returns (uint256) {
        return _proposalCount;
    }

    /// @inheritdoc ILedgerConsortium
    function threshold() external view returns (uint8) {
        return _threshold;
    }

    /// @inheritdoc ILedgerConsortium
    function proposalLifetime() external view returns (uint64) {
        return PROPOSAL_LIFETIME;
    }

    /// @inheritdoc ILedgerConsortium
    function activeApprovals(uint256 proposalId) public view returns (uint8 count) {
        bytes2[] storage codes = _allPartyCodes();
        for (uint256 i = 0; i < codes.length; ++i) {
            if (_approvals[proposalId][codes[i]] && _partyStatus(codes[i]) == PartyStatus.Active) ++count;
        }
    }

    /// @inheritdoc ILedgerConsortium
    function requiredApprovals() public view returns (uint8) {
        uint16 active = _activeParties();
        return active < _threshold ? uint8(active) : _threshold;
    }

    /// @dev Sets the threshold, which must be between 1 and the number of active parties.
    function _setThreshold(uint8 newThreshold) internal {
        _checkThreshold(newThreshold);
        _threshold = newThreshold;
        emit ThresholdChanged(newThreshold);
    }

    function _approve(uint256 proposalId, bytes2 party) private {
        _approvals[proposalId][party] = true;
        uint8 approvals = ++_proposals[proposalId].approvals;
        emit ProposalApproved(proposalId, party, msg.sender, approvals);
    }

    function _checkOpen(uint256 proposalId) private view returns (Proposal storage p) {
        p = _proposals[proposalId];
        if (p.expiresAt == 0) revert LedgerUnknownProposal(proposalId);
        if (p.executed) revert LedgerProposalAlreadyExecuted(proposalId);
        if (block.timestamp >= p.expiresAt) revert LedgerProposalExpired(proposalId, p.expiresAt);
    }

    function _checkProposal(ProposalKind kind, bytes2 party, address admin, uint8 newThreshold) private view {
        if (kind == ProposalKind.AdmitParty) {
            _checkNewParty(party);
            _checkNewAdmin(admin);
        } else if (kind == ProposalKind.SuspendParty) {
            _checkPartyActive(party);
            if (_activeParties() == 1) revert LedgerLastActiveParty(party);
        } else if (kind == ProposalKind.ReinstateParty) {
            _checkPartySuspended(party);
        } else {
            _checkThreshold(newThreshold);
        }
    }

    function _checkThreshold(uint8 newThreshold) private view {
        uint16 active = _activeParties();
        if (newThreshold == 0 || newThreshold > active) revert LedgerInvalidThreshold(newThreshold, active);
    }
}
