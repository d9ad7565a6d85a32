// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ICertificateLedger} from "../interfaces/ICertificateLedger.sol";
import {ICertificateOutcomes} from "../interfaces/ICertificateOutcomes.sol";
import {PartyStatus} from "../interfaces/LedgerTypes.sol";
import {Agency, AgencyPermit, AgencyStatus, ItemRecord, ItemTotal, ItemUse, Outcome} from "../interfaces/OutcomeTypes.sol";

/// @title CertLedger's importing side: border agencies, their outcomes and the utilisation of certificates.
/// @notice A contract beside the ledger rather than a module of it: the ledger is within 700 bytes of the 24,576-byte
/// limit, and nothing here is read when anchoring, so the extra call into the ledger (2,600 gas) is paid only by the
/// importing side's writes. It trusts the ledger it is deployed for (parties, admins, authorities, certificates) and
/// keeps only what the chain must enforce: who writes in a party's name, and that no item is used beyond its total.
/// Details a person reads (free text, the declaration's reference) stay off chain: a digest or a hash commits to them.
contract CertificateOutcomes is ICertificateOutcomes {
    /// @dev An agency writes from a few accounts, like an authority; the bound keeps its suspension's cost bounded.
    uint256 private constant MAX_ACCOUNTS = 16;
    /// @dev The rejection reasons clients name (src/outcomes/reasons.ts); the chain checks only the range.
    uint8 private constant MAX_REASON = 12;
    /// @dev Enough for every goods line of a certificate of origin or phytosanitary certificate (an item index is a uint8).
    uint256 private constant MAX_ITEMS = 255;

    ICertificateLedger private immutable LEDGER;

    uint32 private _agencyCount;
    mapping(uint32 agencyId => Agency agency) private _agencies;
    mapping(uint32 agencyId => string name) private _agencyNames;
    mapping(uint32 agencyId => address[] accounts) private _agencyAccounts;
    mapping(address account => AgencyPermit permit) private _permits;
    mapping(bytes32 itemKey => ItemRecord item) private _items;

    /// @param ledger_ The CertificateLedger whose parties, authorities and certificates this contract answers for.
    constructor(address ledger_) {
        LEDGER = ICertificateLedger(ledger_);
    }

    // ---------------------------------------------------------------- agencies

    /// @inheritdoc ICertificateOutcomes
    function registerAgency(bytes2 party, string calldata name, address[] calldata accounts) external returns (uint32 agencyId) {
        _checkActivePartyAdmin(party);
        if (accounts.length == 0 || accounts.length > MAX_ACCOUNTS) revert OutcomesInvalidAccountCount(accounts.length, MAX_ACCOUNTS);
        agencyId = ++_agencyCount;
        _agencies[agencyId] = Agency({party: party, status: AgencyStatus.Active});
        _agencyNames[agencyId] = name;
        emit AgencyRegistered(agencyId, party, name);
        for (uint256 i = 0; i < accounts.length; ++i) _bind(agencyId, party, accounts[i]);
    }

    /// @inheritdoc ICertificateOutcomes
    function addAgencyAccount(uint32 agencyId, address account) external {
        Agency memory agency = _existingAgency(agencyId);
        _checkActivePartyAdmin(agency.party);
        if (_agencyAccounts[agencyId].length >= MAX_ACCOUNTS) revert OutcomesInvalidAccountCount(MAX_ACCOUNTS + 1, MAX_ACCOUNTS);
        _bind(agencyId, agency.party, account);
        if (agency.status != AgencyStatus.Active) _permits[account].active = false;
    }

    /// @inheritdoc ICertificateOutcomes
    function removeAgencyAccount(uint32 agencyId, address account) external {
        _checkPartyAdmin(_existingAgency(agencyId).party);
        if (_permits[account].agencyId != agencyId) revert OutcomesNotAgencyAccount(account, agencyId);
        address[] storage accounts = _agencyAccounts[agencyId];
        if (accounts.length == 1) revert OutcomesLastAgencyAccount(agencyId);
        for (uint256 i = 0; i < accounts.length; ++i) {
            if (accounts[i] == account) {
                accounts[i] = accounts[accounts.length - 1];
                accounts.pop();
                break;
            }
        }
        delete _permits[account];
        emit AgencyAccountRemoved(agencyId, account);
    }

    /// @inheritdoc ICertificateOutcomes
    function suspendAgency(uint32 agencyId) external {
        Agency storage agency = _agencies[agencyId];
        if (agency.status == AgencyStatus.None) revert OutcomesUnknownAgency(agencyId);
        _checkPartyAdmin(agency.party);
        if (agency.status != AgencyStatus.Active) revert OutcomesInvalidAgencyStatus(agencyId);
        agency.status = AgencyStatus.Suspended;
        _setPermits(agencyId, false);
        emit AgencySuspended(agencyId);
    }

    /// @inheritdoc ICertificateOutcomes
    function reactivateAgency(uint32 agencyId) external {
        Agency storage agency = _agencies[agencyId];
        if (agency.status == AgencyStatus.None) revert OutcomesUnknownAgency(agencyId);
        _checkActivePartyAdmin(agency.party);
        if (agency.status != AgencyStatus.Suspended) revert OutcomesInvalidAgencyStatus(agencyId);
        agency.status = AgencyStatus.Active;
        _setPermits(agencyId, true);
        emit AgencyReactivated(agencyId);
    }

    // ---------------------------------------------------------------- outcomes and utilisation

    /// @inheritdoc ICertificateOutcomes
    function recordOutcome(
        bytes32 certHash,
        uint32 authorityId,
        bytes32 root,
        Outcome outcome,
        uint8 reason,
        bytes32 detailsDigest
    ) external {
        AgencyPermit memory permit = _callerPermit();
        _checkOutcome(outcome, reason);
        _foreignAnchoring(certHash, authorityId, root, permit.party);
        emit OutcomeRecorded(certHash, permit.party, permit.agencyId, authorityId, root, outcome, reason, detailsDigest);
    }

    /// @inheritdoc ICertificateOutcomes
    function declareItems(bytes32 certHash, uint32 authorityId, bytes32 root, ItemTotal[] calldata items) external {
        AgencyPermit memory permit = _callerPermit();
        if (items.length == 0 || items.length > MAX_ITEMS) revert OutcomesInvalidItems(items.length, MAX_ITEMS);
        bytes32 anchoringKey = _anchoringKey(certHash, authorityId, root);
        ItemRecord memory first = _items[_itemKey(anchoringKey, 0)];
        if (first.itemCount != 0) {
            // Declared before: a retry, or a second border reading the same certificate, must say the same.
            _checkSameItems(certHash, anchoringKey, items, first.itemCount);
            return;
        }
        bytes2 issuingParty = _foreignAnchoring(certHash, authorityId, root, permit.party);
        for (uint256 i = 0; i < items.length; ++i) {
            if (items[i].total == 0 || items[i].unit == bytes4(0)) revert OutcomesInvalidItems(i, MAX_ITEMS);
            _items[_itemKey(anchoringKey, uint8(i))] = ItemRecord({
                total: items[i].total,
                used: 0,
                unit: items[i].unit,
                issuingParty: issuingParty,
                itemCount: uint8(items.length)
            });
        }
        emit ItemsDeclared(certHash, permit.party, permit.agencyId, authorityId, root, issuingParty, items);
    }

    /// @inheritdoc ICertificateOutcomes
    function correctItems(bytes32 certHash, uint32 authorityId, bytes32 root, ItemTotal[] calldata items) external {
        if (items.length == 0 || items.length > MAX_ITEMS) revert OutcomesInvalidItems(items.length, MAX_ITEMS);
        bytes2 issuingParty = LEDGER.getAuthority(authorityId).party;
        bool issuer = LEDGER.authorityOfAccount(msg.sender) == authorityId;
        if (!issuer && (issuingParty == bytes2(0) || LEDGER.partyOfAdmin(msg.sender) != issuingParty)) {
            revert OutcomesNotIssuer(msg.sender, authorityId);
        }
        _checkAnchored(certHash, authorityId, root);
        bytes32 anchoringKey = _anchoringKey(certHash, authorityId, root);
        uint256 count = _items[_itemKey(anchoringKey, 0)].itemCount;
        for (uint256 i = 0; i < items.length || i < count; ++i) {
            ItemRecord storage record = _items[_itemKey(anchoringKey, uint8(i))];
            uint96 used = record.used;
            if (i >= items.length) {
                // An item the correction drops must be unused.
                if (used != 0) revert OutcomesItemsBelowUse(certHash, uint8(i), used);
                delete _items[_itemKey(anchoringKey, uint8(i))];
                continue;
            }
            if (items[i].total == 0 || items[i].unit == bytes4(0)) revert OutcomesInvalidItems(i, MAX_ITEMS);
            if (items[i].total < used) revert OutcomesItemsBelowUse(certHash, uint8(i), used);
            _items[_itemKey(anchoringKey, uint8(i))] = ItemRecord({
                total: items[i].total,
                used: used,
                unit: items[i].unit,
                issuingParty: issuingParty,
                itemCount: uint8(items.length)
            });
        }
        emit ItemsDeclared(certHash, issuingParty, 0, authorityId, root, issuingParty, items);
    }

    /// @inheritdoc ICertificateOutcomes
    function recordUtilisation(
        bytes32 certHash,
        uint32 authorityId,
        bytes32 root,
        bytes32 declarationHash,
        ItemUse[] calldata uses
    ) external {
        AgencyPermit memory permit = _callerPermit();
        if (uses.length == 0) revert OutcomesInvalidUse(0);
        // A party the consortium suspended writes nothing off (its agencies' permits cannot know: the ledger is asked).
        if (LEDGER.getParty(permit.party).status != PartyStatus.Active) revert OutcomesNotAgency(msg.sender);
        bytes32 anchoringKey = _anchoringKey(certHash, authorityId, root);
        for (uint256 i = 0; i < uses.length; ++i) {
            uint96 used = _writeOff(anchoringKey, certHash, permit.party, uses[i], i);
            ItemUse calldata use = uses[i];
            emit ItemUsed(certHash, permit.party, declarationHash, permit.agencyId, authorityId, root, use.item, use.quantity, used);
        }
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ICertificateOutcomes
    function ledger() external view returns (address) {
        return address(LEDGER);
    }

    /// @inheritdoc ICertificateOutcomes
    function getAgency(uint32 agencyId) external view returns (Agency memory) {
        return _agencies[agencyId];
    }

    /// @inheritdoc ICertificateOutcomes
    function agencyName(uint32 agencyId) external view returns (string memory) {
        return _agencyNames[agencyId];
    }

    /// @inheritdoc ICertificateOutcomes
    function agencyAccounts(uint32 agencyId) external view returns (address[] memory) {
        return _agencyAccounts[agencyId];
    }

    /// @inheritdoc ICertificateOutcomes
    function agencyOfAccount(address account) external view returns (uint32) {
        return _permits[account].agencyId;
    }

    /// @inheritdoc ICertificateOutcomes
    function agencyCount() external view returns (uint32) {
        return _agencyCount;
    }

    /// @inheritdoc ICertificateOutcomes
    function getItem(bytes32 certHash, uint32 authorityId, bytes32 root, uint8 item) external view returns (ItemRecord memory) {
        return _items[_itemKey(_anchoringKey(certHash, authorityId, root), item)];
    }

    /// @inheritdoc ICertificateOutcomes
    function maxReason() external pure returns (uint8) {
        return MAX_REASON;
    }

    // ---------------------------------------------------------------- internals

    function _checkPartyAdmin(bytes2 party) private view {
        if (LEDGER.partyOfAdmin(msg.sender) != party) revert OutcomesNotPartyAdmin(msg.sender, party);
    }

    function _checkActivePartyAdmin(bytes2 party) private view {
        _checkPartyAdmin(party);
        if (LEDGER.getParty(party).status != PartyStatus.Active) revert OutcomesNotPartyAdmin(msg.sender, party);
    }

    function _existingAgency(uint32 agencyId) private view returns (Agency memory agency) {
        agency = _agencies[agencyId];
        if (agency.status == AgencyStatus.None) revert OutcomesUnknownAgency(agencyId);
    }

    function _bind(uint32 agencyId, bytes2 party, address account) private {
        uint32 bound = _permits[account].agencyId;
        if (bound != 0) revert OutcomesAccountAlreadyBound(account, bound);
        _permits[account] = AgencyPermit({agencyId: agencyId, party: party, active: true});
        _agencyAccounts[agencyId].push(account);
        emit AgencyAccountAdded(agencyId, account);
    }

    function _setPermits(uint32 agencyId, bool active) private {
        address[] storage accounts = _agencyAccounts[agencyId];
        for (uint256 i = 0; i < accounts.length; ++i) _permits[accounts[i]].active = active;
    }

    /// @dev The caller's agency permit: one slot read, so each write's "who" costs 2,100 gas.
    function _callerPermit() private view returns (AgencyPermit memory permit) {
        permit = _permits[msg.sender];
        if (!permit.active) revert OutcomesNotAgency(msg.sender);
    }

    function _checkOutcome(Outcome outcome, uint8 reason) private pure {
        bool rejection = outcome == Outcome.Rejected;
        if (outcome == Outcome.None || (rejection && (reason == 0 || reason > MAX_REASON)) || (!rejection && reason != 0)) {
            revert OutcomesInvalidOutcome(uint8(outcome), reason, MAX_REASON);
        }
    }

    /// @dev The party that issued the anchoring (`certHash` by `authorityId`, in batch `root` or directly when zero),
    /// which must exist and be a party other than `party`, itself active (a party the consortium suspended answers for
    /// nothing). A batched anchoring is checked as far as the batch (its root, anchored by that authority): membership
    /// needs the Merkle proof, whose calldata would cost about 530 gas per level, and readers take records only for a
    /// certificate's earliest anchoring, which they establish with the proof, so a record naming a batch that does
    /// not hold the hash is never shown.
    function _foreignAnchoring(
        bytes32 certHash,
        uint32 authorityId,
        bytes32 root,
        bytes2 party
    ) private view returns (bytes2 issuingParty) {
        _checkAnchored(certHash, authorityId, root);
        issuingParty = LEDGER.getAuthority(authorityId).party;
        if (issuingParty == party) revert OutcomesOwnCertificate(certHash, party);
        if (LEDGER.getParty(party).status != PartyStatus.Active) revert OutcomesNotAgency(msg.sender);
    }

    /// @dev Writes `use` off its item, within what is left of it, and returns the item's use after it.
    function _writeOff(
        bytes32 anchoringKey,
        bytes32 certHash,
        bytes2 party,
        ItemUse calldata use,
        uint256 index
    ) private returns (uint96 used) {
        if (use.quantity == 0) revert OutcomesInvalidUse(index);
        ItemRecord storage item = _items[_itemKey(anchoringKey, use.item)];
        ItemRecord memory current = item;
        if (current.itemCount == 0) revert OutcomesUnknownItem(certHash, use.item);
        if (current.issuingParty == party) revert OutcomesOwnCertificate(certHash, party);
        // Compare-and-set: the write-off counts only against the use its sender saw. A retry of a write-off that was
        // already mined, or a second write-off sent from the same reading, finds the use moved on and is refused.
        if (current.used != use.usedBefore) revert OutcomesStaleUse(certHash, use.item, use.usedBefore, current.used);
        uint96 remaining = current.total - current.used;
        if (use.quantity > remaining) revert OutcomesOverUtilisation(certHash, use.item, use.quantity, remaining, current.unit);
        used = current.used + use.quantity;
        item.used = used;
    }

    /// @dev The ledger holds the anchoring of `certHash` by `authorityId` (directly when `root` is zero, else its batch).
    function _checkAnchored(bytes32 certHash, uint32 authorityId, bytes32 root) private view {
        bool anchored = root == bytes32(0)
            ? LEDGER.getCertificate(certHash).authorityId == authorityId && authorityId != 0
            : LEDGER.getBatch(root, authorityId).authorityId == authorityId && authorityId != 0;
        if (!anchored) revert OutcomesUnknownCertificate(certHash, authorityId, root);
    }

    function _checkSameItems(bytes32 certHash, bytes32 anchoringKey, ItemTotal[] calldata items, uint8 count) private view {
        for (uint256 i = 0; i < items.length || i < count; ++i) {
            ItemRecord memory stored = _items[_itemKey(anchoringKey, uint8(i))];
            if (i >= items.length || i >= count || stored.total != items[i].total || stored.unit != items[i].unit) {
                revert OutcomesItemsMismatch(certHash, uint8(i), stored.total, stored.unit);
            }
        }
    }

    function _anchoringKey(bytes32 certHash, uint32 authorityId, bytes32 root) private pure returns (bytes32) {
        return keccak256(abi.encode(certHash, authorityId, root));
    }

    function _itemKey(bytes32 anchoringKey, uint8 item) private pure returns (bytes32) {
        return keccak256(abi.encode(anchoringKey, item));
    }
}
