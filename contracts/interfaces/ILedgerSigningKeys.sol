// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {SigningKey} from "./LedgerTypes.sol";

/// @title Signing keys of issuing authorities.
/// @notice Keys are identified by their RFC 7638 JWK thumbprint. An authority (any of its accounts) or its party
/// admin adds and rotates keys, and may mark a key compromised: signatures made at or after the compromise
/// time are invalid, earlier ones stay valid.
interface ILedgerSigningKeys {
    /// @notice The thumbprint is zero.
    error LedgerZeroKeyThumbprint();
    /// @notice The algorithm name is empty.
    error LedgerEmptyKeyAlgorithm();
    /// @notice A key with `thumbprint` is already registered (to `authorityId`).
    error LedgerKeyAlreadyRegistered(bytes32 thumbprint, uint32 authorityId);
    /// @notice No key with `thumbprint` is registered.
    error LedgerUnknownKey(bytes32 thumbprint);
    /// @notice Key `thumbprint` does not belong to authority `authorityId`.
    error LedgerKeyNotOfAuthority(bytes32 thumbprint, uint32 authorityId);
    /// @notice A compromise time `compromisedAt` is zero or after now (`nowTime`).
    error LedgerInvalidCompromiseTime(uint64 compromisedAt, uint64 nowTime);
    /// @notice Key `thumbprint` is already compromised since `compromisedAt`, no later than the time given.
    error LedgerKeyAlreadyCompromised(bytes32 thumbprint, uint64 compromisedAt);

    /// @notice Authority `authorityId` registered key `thumbprint` for algorithm `alg`, valid in [validFrom, validUntil].
    event SigningKeyAdded(
        uint32 indexed authorityId,
        bytes32 indexed thumbprint,
        bytes16 alg,
        uint64 validFrom,
        uint64 validUntil
    );
    /// @notice Key `thumbprint` of `authorityId` was retired at `validUntil` in favour of `replacement`.
    event SigningKeyRotated(uint32 indexed authorityId, bytes32 indexed thumbprint, bytes32 indexed replacement, uint64 validUntil);
    /// @notice Key `thumbprint` of `authorityId` is compromised since `compromisedAt`.
    event SigningKeyCompromised(uint32 indexed authorityId, bytes32 indexed thumbprint, uint64 compromisedAt);

    /// @notice Registers key `thumbprint` for `authorityId`. Only an account of the authority or an admin of its party may
    /// call, while the authority and its party are active.
    /// @param alg The JOSE algorithm name, e.g. "ES256", right-padded with zero bytes.
    function addSigningKey(uint32 authorityId, bytes32 thumbprint, bytes16 alg, uint64 validFrom, uint64 validUntil) external;

    /// @notice Retires `oldThumbprint` now and registers `newThumbprint`, valid from now until `validUntil`.
    /// Only an account of the authority or an admin of its party may call, while the authority and its party are active.
    function rotateSigningKey(
        uint32 authorityId,
        bytes32 oldThumbprint,
        bytes32 newThumbprint,
        bytes16 alg,
        uint64 validUntil
    ) external;

    /// @notice Marks `thumbprint` compromised since `compromisedAt` (not in the future; may only move earlier).
    /// Only an account of its authority or an admin of its party may call, even while either is suspended.
    function compromiseSigningKey(bytes32 thumbprint, uint64 compromisedAt) external;

    /// @notice The record of key `thumbprint` (authorityId 0 when unknown).
    function getSigningKey(bytes32 thumbprint) external view returns (SigningKey memory);

    /// @notice Whether a signature made with `thumbprint` at `time` is valid: the key is registered, `time` is within
    /// its validity period and before any compromise.
    function isKeyValidAt(bytes32 thumbprint, uint64 time) external view returns (bool);
}
