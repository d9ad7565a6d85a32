// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Proposal, ProposalKind} from "./LedgerTypes.sol";

/// @title Consortium governance: M-of-N votes of the parties' admins.
/// @notice Admitting, suspending or reinstating a party and changing the vote threshold go through a proposal:
/// propose (counts as the proposer party's approval) → approve (one vote per party) → execute once the approvals
/// reach the threshold, before the proposal expires. The threshold in force is `min(threshold, active parties)`,
/// and only the approvals of parties that are active at execution count: a suspended party's earlier vote does not.
interface ILedgerConsortium {
    /// @notice No proposal has id `proposalId`.
    error LedgerUnknownProposal(uint256 proposalId);
    /// @notice Proposal `proposalId` expired at `expiresAt`.
    error LedgerProposalExpired(uint256 proposalId, uint64 expiresAt);
    /// @notice Proposal `proposalId` was already executed.
    error LedgerProposalAlreadyExecuted(uint256 proposalId);
    /// @notice `party` already approved proposal `proposalId`.
    error LedgerProposalAlreadyApproved(uint256 proposalId, bytes2 party);
    /// @notice Proposal `proposalId` has `approvals` approvals of active parties and needs `required`.
    error LedgerProposalNotApproved(uint256 proposalId, uint8 approvals, uint8 required);
    /// @notice `threshold` is not between 1 and the number of active parties (`activeParties`).
    error LedgerInvalidThreshold(uint8 threshold, uint16 activeParties);
    /// @notice Suspending `party` would leave the consortium without an active party.
    error LedgerLastActiveParty(bytes2 party);

    /// @notice Admin `proposer` of party `proposerParty` proposed `proposalId`.
    event ProposalCreated(
        uint256 indexed proposalId,
        bytes2 indexed proposerParty,
        address indexed proposer,
        ProposalKind kind,
        bytes2 party,
        address admin,
        uint8 threshold,
        uint64 expiresAt
    );
    /// @notice `party` (through its admin `approver`) approved `proposalId`, which now has `approvals` approvals.
    event ProposalApproved(uint256 indexed proposalId, bytes2 indexed party, address indexed approver, uint8 approvals);
    /// @notice Proposal `proposalId` was executed.
    event ProposalExecuted(uint256 indexed proposalId);
    /// @notice The consortium's vote threshold changed to `threshold`.
    event ThresholdChanged(uint8 threshold);

    /// @notice Proposes a consortium decision; the caller's party approves it at once.
    /// `party` and `admin` are used by AdmitParty (both), SuspendParty and ReinstateParty (party);
    /// `threshold` by SetThreshold. Only an admin of an active party may call.
    /// @return proposalId The id of the new proposal.
    function propose(ProposalKind kind, bytes2 party, address admin, uint8 threshold) external returns (uint256 proposalId);

    /// @notice Approves `proposalId` for the caller's party. Only an admin of an active party may call.
    function approve(uint256 proposalId) external;

    /// @notice Executes `proposalId` once it has enough approvals and has not expired. Anyone may call.
    function execute(uint256 proposalId) external;

    /// @notice Proposal `proposalId` (kind AdmitParty and expiresAt 0 when unknown).
    function getProposal(uint256 proposalId) external view returns (Proposal memory);

    /// @notice Whether `party` approved `proposalId`.
    function hasApproved(uint256 proposalId, bytes2 party) external view returns (bool);

    /// @notice How many parties that are active now approved `proposalId`: the count {execute} compares with
    /// {requiredApprovals}.
    function activeApprovals(uint256 proposalId) external view returns (uint8);

    /// @notice The number of proposals made so far; ids run from 1 to this number.
    function proposalCount() external view returns (uint256);

    /// @notice The configured vote threshold (M of M-of-N).
    function threshold() external view returns (uint8);

    /// @notice The approvals a proposal needs now: `min(threshold, active parties)`.
    function requiredApprovals() external view returns (uint8);

    /// @notice How long a proposal stays open, in seconds.
    function proposalLifetime() external view returns (uint64);
}
