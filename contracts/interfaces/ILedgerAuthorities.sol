// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Authority} from "./LedgerTypes.sol";

/// @title Issuing authorities of a party: their accounts, scope and validity.
/// @notice A party admin registers, updates, suspends and reactivates the authorities of its own party only.
/// Certificate types are numbered 1..63 (1 conformity certificate, 2 test report, 3 certificate of origin,
/// 4 phytosanitary certificate; more may be used without a contract change); a scope is a bit set of them.
interface ILedgerAuthorities {
    /// @notice No authority has id `authorityId`.
    error LedgerUnknownAuthority(uint32 authorityId);
    /// @notice `scope` is empty or names type 0.
    error LedgerInvalidScope(uint64 scope);
    /// @notice `validFrom` is not before `validUntil`.
    error LedgerInvalidValidityPeriod(uint64 validFrom, uint64 validUntil);
    /// @notice An authority needs at least one account.
    error LedgerNoAuthorityAccount();
    /// @notice `account` already writes for authority `authorityId`; an account belongs to at most one authority.
    error LedgerAccountAlreadyBound(address account, uint32 authorityId);
    /// @notice `account` is not an account of authority `authorityId`.
    error LedgerNotAuthorityAccount(address account, uint32 authorityId);
    /// @notice Removing the last account of `authorityId` is not allowed: suspend the authority instead.
    error LedgerLastAuthorityAccount(uint32 authorityId);
    /// @notice Authority `authorityId` is not active (suspended), so it may not write.
    error LedgerAuthorityNotActive(uint32 authorityId);
    /// @notice Authority `authorityId` is already active.
    error LedgerAuthorityAlreadyActive(uint32 authorityId);
    /// @notice At `time` authority `authorityId` is outside its validity period.
    error LedgerAuthorityNotValidAt(uint32 authorityId, uint64 time);
    /// @notice Authority `authorityId` already has the most accounts allowed (`max`).
    error LedgerTooManyAuthorityAccounts(uint32 authorityId, uint256 max);
    /// @notice `caller` is not an account of an issuing authority.
    error LedgerNotAuthority(address caller);
    /// @notice Authority `authorityId` may not issue certificates of type `certType`.
    error LedgerTypeNotInScope(uint32 authorityId, uint8 certType);
    /// @notice `account` is neither an account of authority `authorityId` nor an admin of its party.
    error LedgerNotAuthorityOrPartyAdmin(address account, uint32 authorityId);

    /// @notice `party` registered authority `authorityId`.
    event AuthorityRegistered(
        uint32 indexed authorityId,
        bytes2 indexed party,
        string name,
        uint64 scope,
        uint64 validFrom,
        uint64 validUntil
    );
    /// @notice Authority `authorityId`'s scope or validity period changed.
    event AuthorityUpdated(uint32 indexed authorityId, uint64 scope, uint64 validFrom, uint64 validUntil);
    /// @notice Authority `authorityId` was suspended by its party admin.
    event AuthoritySuspended(uint32 indexed authorityId);
    /// @notice Authority `authorityId` was reactivated by its party admin.
    event AuthorityReactivated(uint32 indexed authorityId);
    /// @notice `account` may now write for authority `authorityId`.
    event AuthorityAccountAdded(uint32 indexed authorityId, address indexed account);
    /// @notice `account` may no longer write for authority `authorityId`.
    event AuthorityAccountRemoved(uint32 indexed authorityId, address indexed account);

    /// @notice Registers an issuing authority of `party`. Only an admin of `party`, while active, may call.
    /// @param name A human-readable name or reference (e.g. "Kyrgyzstandard certification body, reg. 0042").
    /// @param accounts The accounts that may anchor for it (at least one).
    /// @param scope Bit set of the certificate types it may issue.
    /// @return authorityId The id of the new authority (ids start at 1).
    function registerAuthority(
        bytes2 party,
        string calldata name,
        address[] calldata accounts,
        uint64 scope,
        uint64 validFrom,
        uint64 validUntil
    ) external returns (uint32 authorityId);

    /// @notice Changes the scope and validity period of `authorityId`. Only an admin of its party, while active, may call.
    function updateAuthority(uint32 authorityId, uint64 scope, uint64 validFrom, uint64 validUntil) external;

    /// @notice Suspends `authorityId`: it can no longer anchor. Only an admin of its party may call, even while the party is suspended.
    function suspendAuthority(uint32 authorityId) external;

    /// @notice Reactivates a suspended `authorityId`. Only an admin of its party, while active, may call.
    function reactivateAuthority(uint32 authorityId) external;

    /// @notice Lets `account` write for `authorityId`. Only an admin of its party, while active, may call.
    function addAuthorityAccount(uint32 authorityId, address account) external;

    /// @notice Stops `account` writing for `authorityId`. Only an admin of its party, while active, may call.
    function removeAuthorityAccount(uint32 authorityId, address account) external;

    /// @notice The record of `authorityId` (status `None` when unknown).
    function getAuthority(uint32 authorityId) external view returns (Authority memory);

    /// @notice The accounts that write for `authorityId`.
    function authorityAccounts(uint32 authorityId) external view returns (address[] memory);

    /// @notice The name or reference `authorityId` was registered with.
    function authorityName(uint32 authorityId) external view returns (string memory);

    /// @notice The authority `account` writes for, or 0 when none.
    function authorityOfAccount(address account) external view returns (uint32);

    /// @notice How many authorities were registered; ids run from 1 to this number.
    function authorityCount() external view returns (uint32);
}
