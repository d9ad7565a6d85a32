// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Agency, ItemRecord, ItemTotal, ItemUse, Outcome} from "./OutcomeTypes.sol";

/// @title The importing side's answers: outcomes and utilisation of certificates presented at a party's border.
/// @notice Each party's admin registers its border agencies (customs, plant protection) and their accounts. An
/// agency's account records, for a certificate anchored on the ledger by another party's authority, an outcome
/// (acknowledged, accepted, accepted with remarks, rejected with a reason code) and the quantities each import
/// declaration writes off its goods items. It always writes in its own party's name, never for its own party's
/// certificates, and never beyond an item's quantity: the totals are kept here, so no border can bypass another's
/// write-offs. A certificate is named by its anchoring (certHash, authorityId, batch root or zero for a direct
/// anchor), as the ledger's status events name it: readers take the earliest anchoring of a hash as the certificate,
/// so records made against a later, conflicting anchoring change nothing they show.
interface ICertificateOutcomes {
    /// @notice `account` is not an admin of `party` on the ledger, or `party` is not active there.
    error OutcomesNotPartyAdmin(address account, bytes2 party);
    /// @notice No agency has id `agencyId`.
    error OutcomesUnknownAgency(uint32 agencyId);
    /// @notice An agency needs at least one account, and at most `max`.
    error OutcomesInvalidAccountCount(uint256 count, uint256 max);
    /// @notice `account` already writes for agency `agencyId` (an account belongs to one agency).
    error OutcomesAccountAlreadyBound(address account, uint32 agencyId);
    /// @notice `account` is not an account of agency `agencyId`.
    error OutcomesNotAgencyAccount(address account, uint32 agencyId);
    /// @notice The last account of agency `agencyId` cannot be removed.
    error OutcomesLastAgencyAccount(uint32 agencyId);
    /// @notice Agency `agencyId` is not in a state that allows this change.
    error OutcomesInvalidAgencyStatus(uint32 agencyId);
    /// @notice `caller` is not an account of an active border agency.
    error OutcomesNotAgency(address caller);
    /// @notice The ledger has no direct anchoring of `certHash` by `authorityId` (`root` zero), or no batch `root` by it.
    error OutcomesUnknownCertificate(bytes32 certHash, uint32 authorityId, bytes32 root);
    /// @notice Agency party `party` cannot answer for its own party's certificate `certHash`.
    error OutcomesOwnCertificate(bytes32 certHash, bytes2 party);
    /// @notice `outcome` is not an outcome, or `reason` does not fit it (a rejection needs a reason 1..`maxReason`, others none).
    error OutcomesInvalidOutcome(uint8 outcome, uint8 reason, uint8 maxReason);
    /// @notice A certificate declares 1..`max` items, each with a non-zero total and unit; `index` is the first bad one.
    error OutcomesInvalidItems(uint256 index, uint256 max);
    /// @notice The items of `certHash` were declared before, with `total` of `unit` for item `item` (or another count).
    error OutcomesItemsMismatch(bytes32 certHash, uint8 item, uint96 total, bytes4 unit);
    /// @notice `account` is neither an account of authority `authorityId` nor an admin of its party.
    error OutcomesNotIssuer(address account, uint32 authorityId);
    /// @notice Item `item` of `certHash` is used `used` already: its total cannot go below that.
    error OutcomesItemsBelowUse(bytes32 certHash, uint8 item, uint96 used);
    /// @notice No items were declared for this anchoring of `certHash`, or it has no item `item`.
    error OutcomesUnknownItem(bytes32 certHash, uint8 item);
    /// @notice The write-off of item `item` of `certHash` was made against a use of `usedBefore`, but the item's use is
    /// now `used`: another write-off came first (or this one already counted). Read again and decide again.
    error OutcomesStaleUse(bytes32 certHash, uint8 item, uint96 usedBefore, uint96 used);
    /// @notice A write-off of `quantity` of item `item` of `certHash` exceeds what is left: `remaining` of `unit`.
    error OutcomesOverUtilisation(bytes32 certHash, uint8 item, uint96 quantity, uint96 remaining, bytes4 unit);
    /// @notice A write-off names no item, or a zero quantity (at `index`).
    error OutcomesInvalidUse(uint256 index);

    /// @notice `party`'s admin registered border agency `agencyId`, named `name`.
    event AgencyRegistered(uint32 indexed agencyId, bytes2 indexed party, string name);
    /// @notice `account` now writes for agency `agencyId`.
    event AgencyAccountAdded(uint32 indexed agencyId, address indexed account);
    /// @notice `account` no longer writes for agency `agencyId`.
    event AgencyAccountRemoved(uint32 indexed agencyId, address indexed account);
    /// @notice Agency `agencyId` was suspended: its accounts can no longer write.
    event AgencySuspended(uint32 indexed agencyId);
    /// @notice Agency `agencyId` was reactivated.
    event AgencyReactivated(uint32 indexed agencyId);
    /// @notice Agency `agencyId` of `party` answered `outcome` (with `reason` for a rejection) for the anchoring of
    /// `certHash` by `authorityId` (in batch `root`, or directly when zero). `detailsDigest` is the SHA-256 of the
    /// encrypted details on IPFS (a raw block, so its CID follows), or zero when there are none.
    event OutcomeRecorded(
        bytes32 indexed certHash,
        bytes2 indexed party,
        uint32 indexed agencyId,
        uint32 authorityId,
        bytes32 root,
        Outcome outcome,
        uint8 reason,
        bytes32 detailsDigest
    );
    /// @notice Agency `agencyId` of `party` declared, from the certificate, the goods items of the anchoring of
    /// `certHash` by `authorityId` (batch `root` or zero), issued by `issuingParty`: totals in thousandths of their units.
    /// A correction by the issuer has `party` = `issuingParty` and `agencyId` 0.
    event ItemsDeclared(
        bytes32 indexed certHash,
        bytes2 indexed party,
        uint32 indexed agencyId,
        uint32 authorityId,
        bytes32 root,
        bytes2 issuingParty,
        ItemTotal[] items
    );
    /// @notice Agency `agencyId` of `party` wrote `quantity` thousandths off item `item` of the anchoring of `certHash`
    /// by `authorityId` (batch `root` or zero) for import declaration `declarationHash` (the keccak-256 of
    /// "<party>:<declaration reference>"); `used` is the item's total use after it.
    event ItemUsed(
        bytes32 indexed certHash,
        bytes2 indexed party,
        bytes32 indexed declarationHash,
        uint32 agencyId,
        uint32 authorityId,
        bytes32 root,
        uint8 item,
        uint96 quantity,
        uint96 used
    );

    /// @notice Registers a border agency of `party` with its first `accounts`. Only an admin of the active `party` may call.
    function registerAgency(bytes2 party, string calldata name, address[] calldata accounts) external returns (uint32 agencyId);

    /// @notice Lets `account` write for `agencyId`. Only an admin of the agency's active party may call.
    function addAgencyAccount(uint32 agencyId, address account) external;

    /// @notice Stops `account` writing for `agencyId` (not its last account). Only an admin of the agency's party may call.
    function removeAgencyAccount(uint32 agencyId, address account) external;

    /// @notice Suspends `agencyId`. Only an admin of its party may call, whatever the party's status.
    function suspendAgency(uint32 agencyId) external;

    /// @notice Reactivates a suspended `agencyId`. Only an admin of its active party may call.
    function reactivateAgency(uint32 agencyId) external;

    /// @notice Records the caller's agency's `outcome` for the anchoring of `certHash` by `authorityId` (in batch `root`,
    /// or directly when zero), which must be another, active party's. `reason`: 1..maxReason for a rejection, else 0.
    /// The certificate's status and signature are the agency's server's to check (it verifies before it writes): the
    /// contract enforces who answers, in whose name, for whose certificate.
    function recordOutcome(
        bytes32 certHash,
        uint32 authorityId,
        bytes32 root,
        Outcome outcome,
        uint8 reason,
        bytes32 detailsDigest
    ) external;

    /// @notice Declares the goods items of the anchoring (`certHash`, `authorityId`, `root`), as the certificate states
    /// them, once: a later declaration must be the same (it then changes nothing). The caller is an agency of a party
    /// other than the issuing party.
    function declareItems(bytes32 certHash, uint32 authorityId, bytes32 root, ItemTotal[] calldata items) external;

    /// @notice The issuer's correction of the items of its anchoring (`certHash`, `authorityId`, `root`): a border that
    /// declared wrong totals first (by mistake, or to block the others) is overruled by the certificate's own issuer, an
    /// account of `authorityId` or an admin of its party; a total never goes below what is used of it. Emits
    /// `ItemsDeclared` with the issuing party as `party` and agency 0; readers take the latest declaration.
    function correctItems(bytes32 certHash, uint32 authorityId, bytes32 root, ItemTotal[] calldata items) external;

    /// @notice Writes `uses` off the items of the anchoring (`certHash`, `authorityId`, `root`) for the caller's party's
    /// import declaration `declarationHash`. Every use must fit what is left of its item, and is made against the
    /// item's use its sender read (`usedBefore`): so a retry of a write-off that already counted, or two write-offs
    /// made from one reading, cannot both count. Whether a declaration was already written off is in the `ItemUsed`
    /// events, indexed by it: the contract keeps no slot per declaration.
    function recordUtilisation(
        bytes32 certHash,
        uint32 authorityId,
        bytes32 root,
        bytes32 declarationHash,
        ItemUse[] calldata uses
    ) external;

    /// @notice The ledger this contract answers for.
    function ledger() external view returns (address);

    /// @notice Border agency `agencyId` (party zero when unknown).
    function getAgency(uint32 agencyId) external view returns (Agency memory);

    /// @notice The name of `agencyId`.
    function agencyName(uint32 agencyId) external view returns (string memory);

    /// @notice The accounts of `agencyId`.
    function agencyAccounts(uint32 agencyId) external view returns (address[] memory);

    /// @notice The agency `account` writes for (0: none).
    function agencyOfAccount(address account) external view returns (uint32);

    /// @notice How many agencies were registered (ids run from 1).
    function agencyCount() external view returns (uint32);

    /// @notice Item `item` of the anchoring (`certHash`, `authorityId`, `root`): all zero when not declared.
    function getItem(bytes32 certHash, uint32 authorityId, bytes32 root, uint8 item) external view returns (ItemRecord memory);

    /// @notice The highest rejection reason code.
    function maxReason() external pure returns (uint8);
}
