// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ILedgerAuthorities} from "../interfaces/ILedgerAuthorities.sol";
import {Authority, AuthorityStatus, PartyStatus} from "../interfaces/LedgerTypes.sol";
import {LedgerParties} from "./LedgerParties.sol";

/// @title Issuing authorities: registered, updated, suspended and reactivated by their own party's admin.
abstract contract LedgerAuthorities is LedgerParties, ILedgerAuthorities {
    /// @dev Certificate types are 1..63, so a scope fits a uint64 with bit 0 unused.
    uint8 internal constant MAX_CERT_TYPE = 63;
    /// @dev Bounds the loop that refreshes an authority's permits.
    uint256 internal constant MAX_ACCOUNTS_PER_AUTHORITY = 16;

    /// @dev Everything anchoring checks, copied into each account's own slot so that anchoring reads one cold slot
    /// instead of three (account → authority → party, 2,100 gas each): the 55,000-gas budget of an anchor does not
    /// fit three. The copy is refreshed by {_refreshPermits} on every change of the authority or its party, which
    /// are rare admin operations. One slot: authorityId (32) | party (16) | scope (64) | validFrom (64) |
    /// validUntil (64) | authorityActive (8) | partyActive (8) = 256 bits.
    struct AnchorPermit {
        uint32 authorityId;
        bytes2 party;
        uint64 scope;
        uint64 validFrom;
        uint64 validUntil;
        bool authorityActive;
        bool partyActive;
    }

    mapping(uint32 authorityId => Authority authority) private _authorities;
    mapping(uint32 authorityId => string name) private _authorityNames;
    mapping(uint32 authorityId => address[] accounts) private _accountsOf;
    mapping(bytes2 party => uint32[] authorityIds) private _authoritiesOf;
    mapping(address account => AnchorPermit permit) private _permits;
    uint32 private _authorityCount;

    /// @dev The caller must be an admin of `authorityId`'s party, and that party active.
    modifier onlyAuthorityPartyAdmin(uint32 authorityId) {
        bytes2 party = _existingAuthority(authorityId).party;
        _checkPartyAdmin(party);
        _checkPartyActive(party);
        _;
    }

    /// @inheritdoc ILedgerAuthorities
    function registerAuthority(
        bytes2 party,
        string calldata name,
        address[] calldata accounts,
        uint64 scope,
        uint64 validFrom,
        uint64 validUntil
    ) external onlyActivePartyAdmin(party) returns (uint32 authorityId) {
        _checkScopeAndValidity(scope, validFrom, validUntil);
        if (accounts.length == 0) revert LedgerNoAuthorityAccount();
        authorityId = ++_authorityCount;
        _authorities[authorityId] = Authority({
            party: party,
            status: AuthorityStatus.Active,
            scope: scope,
            validFrom: validFrom,
            validUntil: validUntil
        });
        _authorityNames[authorityId] = name;
        _authoritiesOf[party].push(authorityId);
        emit AuthorityRegistered(authorityId, party, name, scope, validFrom, validUntil);
        for (uint256 i = 0; i < accounts.length; ++i) {
            _bindAccount(authorityId, accounts[i]);
        }
    }

    /// @inheritdoc ILedgerAuthorities
    function updateAuthority(
        uint32 authorityId,
        uint64 scope,
        uint64 validFrom,
        uint64 validUntil
    ) external onlyAuthorityPartyAdmin(authorityId) {
        _checkScopeAndValidity(scope, validFrom, validUntil);
        Authority storage a = _authorities[authorityId];
        a.scope = scope;
        a.validFrom = validFrom;
        a.validUntil = validUntil;
        emit AuthorityUpdated(authorityId, scope, validFrom, validUntil);
        _refreshPermits(authorityId);
    }

    /// @inheritdoc ILedgerAuthorities
    function suspendAuthority(uint32 authorityId) external {
        // A safety action: allowed even while the party itself is suspended.
        Authority storage a = _existingAuthority(authorityId);
        _checkPartyAdmin(a.party);
        if (a.status != AuthorityStatus.Active) revert LedgerAuthorityNotActive(authorityId);
        a.status = AuthorityStatus.Suspended;
        emit AuthoritySuspended(authorityId);
        _refreshPermits(authorityId);
    }

    /// @inheritdoc ILedgerAuthorities
    function reactivateAuthority(uint32 authorityId) external onlyAuthorityPartyAdmin(authorityId) {
        Authority storage a = _authorities[authorityId];
        if (a.status == AuthorityStatus.Active) revert LedgerAuthorityAlreadyActive(authorityId);
        a.status = AuthorityStatus.Active;
        emit AuthorityReactivated(authorityId);
        _refreshPermits(authorityId);
    }

    /// @inheritdoc ILedgerAuthorities
    function addAuthorityAccount(uint32 authorityId, address account) external onlyAuthorityPartyAdmin(authorityId) {
        _bindAccount(authorityId, account);
    }

    /// @inheritdoc ILedgerAuthorities
    function removeAuthorityAccount(
        uint32 authorityId,
        address account
    ) external onlyAuthorityPartyAdmin(authorityId) {
        if (_permits[account].authorityId != authorityId) revert LedgerNotAuthorityAccount(account, authorityId);
        address[] storage accounts = _accountsOf[authorityId];
        if (accounts.length == 1) revert LedgerLastAuthorityAccount(authorityId);
        for (uint256 i = 0; i < accounts.length; ++i) {
            if (accounts[i] == account) {
                accounts[i] = accounts[accounts.length - 1];
                accounts.pop();
                break;
            }
        }
        delete _permits[account];
        emit AuthorityAccountRemoved(authorityId, account);
    }

    /// @inheritdoc ILedgerAuthorities
    function getAuthority(uint32 authorityId) external view returns (Authority memory) {
        return _authorities[authorityId];
    }

    /// @inheritdoc ILedgerAuthorities
    function authorityAccounts(uint32 authorityId) external view returns (address[] memory) {
        return _accountsOf[authorityId];
    }

    /// @inheritdoc ILedgerAuthorities
    function authorityName(uint32 authorityId) external view returns (string memory) {
        return _authorityNames[authorityId];
    }

    /// @inheritdoc ILedgerAuthorities
    function authorityOfAccount(address account) external view returns (uint32) {
        return _permits[account].authorityId;
    }

    /// @inheritdoc ILedgerAuthorities
    function authorityCount() external view returns (uint32) {
        return _authorityCount;
    }

    /// @dev The authority the caller anchors for, checked as anchoring requires: the authority and its party
    /// active, now within the authority's validity period, `certType` in its scope. One storage read.
    function _anchoringAuthority(uint8 certType) internal view returns (uint32 authorityId) {
        AnchorPermit memory permit = _permits[msg.sender];
        authorityId = permit.authorityId;
        if (authorityId == 0) revert LedgerNotAuthority(msg.sender);
        if (!permit.authorityActive) revert LedgerAuthorityNotActive(authorityId);
        if (!permit.partyActive) revert LedgerPartyNotActive(permit.party);
        if (block.timestamp < permit.validFrom || block.timestamp > permit.validUntil) {
            revert LedgerAuthorityNotValidAt(authorityId, uint64(block.timestamp));
        }
        if (!_inTypes(permit.scope, certType)) revert LedgerTypeNotInScope(authorityId, certType);
    }

    /// @dev Reverts unless the caller is an account of `authorityId` or an admin of its party.
    function _checkAuthorityManager(uint32 authorityId) internal view returns (Authority storage a) {
        a = _existingAuthority(authorityId);
        if (_permits[msg.sender].authorityId != authorityId && !_isPartyAdmin(msg.sender, a.party)) {
            revert LedgerNotAuthorityOrPartyAdmin(msg.sender, authorityId);
        }
    }

    /// @dev As {_checkAuthorityManager}, and the authority and its party must be active (to undo a safety action).
    function _checkActiveAuthorityManager(uint32 authorityId) internal view {
        Authority storage a = _checkAuthorityManager(authorityId);
        if (a.status != AuthorityStatus.Active) revert LedgerAuthorityNotActive(authorityId);
        _checkPartyActive(a.party);
    }

    /// @dev The record of `authorityId`, which must exist.
    function _existingAuthority(uint32 authorityId) internal view returns (Authority storage a) {
        a = _authorities[authorityId];
        if (a.status == AuthorityStatus.None) revert LedgerUnknownAuthority(authorityId);
    }

    function _authorityParty(uint32 authorityId) internal view returns (bytes2) {
        return _authorities[authorityId].party;
    }

    /// @dev Whether the type set `types` contains `certType` (1..63).
    function _inTypes(uint64 types, uint8 certType) internal pure returns (bool) {
        return certType != 0 && certType <= MAX_CERT_TYPE && (types >> certType) & 1 == 1;
    }

    /// @dev Refreshes the permits of every authority of `party`: a loop over its authorities, bounded by how many
    /// the party registered (each with at most MAX_ACCOUNTS_PER_AUTHORITY accounts); it runs only on a consortium vote.
    function _afterPartyStatusChange(bytes2 party) internal override {
        uint32[] storage ids = _authoritiesOf[party];
        for (uint256 i = 0; i < ids.length; ++i) {
            _refreshPermits(ids[i]);
        }
    }

    /// @dev Rewrites the permit of each account of `authorityId` from the authority's and its party's records.
    function _refreshPermits(uint32 authorityId) private {
        AnchorPermit memory permit = _permitOf(authorityId);
        address[] storage accounts = _accountsOf[authorityId];
        for (uint256 i = 0; i < accounts.length; ++i) {
            _permits[accounts[i]] = permit;
        }
    }

    function _permitOf(uint32 authorityId) private view returns (AnchorPermit memory) {
        Authority memory a = _authorities[authorityId];
        return
            AnchorPermit({
                authorityId: authorityId,
                party: a.party,
                scope: a.scope,
                validFrom: a.validFrom,
                validUntil: a.validUntil,
                authorityActive: a.status == AuthorityStatus.Active,
                partyActive: _partyStatus(a.party) == PartyStatus.Active
            });
    }

    function _bindAccount(uint32 authorityId, address account) private {
        if (account == address(0)) revert LedgerZeroAddress();
        uint32 current = _permits[account].authorityId;
        if (current != 0) revert LedgerAccountAlreadyBound(account, current);
        address[] storage accounts = _accountsOf[authorityId];
        if (accounts.length == MAX_ACCOUNTS_PER_AUTHORITY) {
            revert LedgerTooManyAuthorityAccounts(authorityId, MAX_ACCOUNTS_PER_AUTHORITY);
        }
        accounts.push(account);
        _permits[account] = _permitOf(authorityId);
        emit AuthorityAccountAdded(authorityId, account);
    }

    function _checkScopeAndValidity(uint64 scope, uint64 validFrom, uint64 validUntil) private pure {
        if (scope == 0 || scope & 1 == 1) revert LedgerInvalidScope(scope);
        if (validFrom >= validUntil) revert LedgerInvalidValidityPeriod(validFrom, validUntil);
    }
}
