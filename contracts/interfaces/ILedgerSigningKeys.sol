// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {SigningKey} from "./LedgerTypes.sol";

/// @title Signing keys of issuing authorities.
/// @notice Keys are identified by their RFC 7638 JWK thumbprint and scoped to their authority: each authority's
/// registration of a thumbprint is its own record, so registering another authority's public key first neither
/// blocks that authority nor lets the squatter sign for it. An authority (any of its accounts) or its party admin
/// adds and rotates its keys, and may mark one compromised: signatures made at or after the compromise time are
/// invalid, earlier ones stay valid.
interface ILedgerSigningKeys {
    /// @notice The thumbprint is zero.
    error LedgerZeroKeyThumbprint();
    /// @notice The algorithm name is empty.
    error LedgerEmptyKeyAlgorithm();
    /// @notice Authority `authorityId` has already registered a key with `thumbprint`.
    error LedgerKeyAlreadyRegistered(uint32 authorityId, bytes32 thumbprint);
    /// @notice Authority `authorityId` has registered no key with `thumbprint`.
    error LedgerUnknownKey(uint32 authorityId, bytes32 thumbprint);
    /// @notice A compromise time `compromisedAt` is zero or after now (`nowTime`).
    error LedgerInvalidCompromiseTime(uint64 compromisedAt, uint64 nowTime);
    /// @notice Key `thumbprint` of `authorityId` is already compromised since `compromisedAt`, no later than the time given.
    error LedgerKeyAlreadyCompromised(uint32 authorityId, bytes32 thumbprint, uint64 compromisedAt);

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

    /// @notice Registers key `thumbprint` for `authorityId` (other authorities' registrations of it are theirs). Only an
    /// account of the authority or an admin of its party may call, while the authority and its party are active.
    /// @param alg The JOSE algorithm name, e.g. "ES256", right-padded with zero bytes.
    function addSigningKey(uint32 authorityId, bytes32 thumbprint, bytes16 alg, uint64 validFrom, uint64 validUntil) external;

    /// @notice Retires `authorityId`'s key `oldThumbprint` now and registers `newThumbprint` for it, valid from now until
    /// `validUntil`.
    /// Only an account of the authority or an admin of its party may call, while the authority and its party are active.
    function rotateSigningKey(
        uint32 authorityId,
        bytes32 oldThumbprint,
        bytes32 newThumbprint,
        bytes16 alg,
        uint64 validUntil
    ) external;

    /// @notice Marks `authorityId`'s key `thumbprint` compromised since `compromisedAt` (not in the future; may only move
    /// earlier). Only an account of the authority or an admin of its party may call, even while either is suspended.
    function compromiseSigningKey(uint32 authorityId, bytes32 thumbprint, uint64 compromisedAt) external;

    /// @notice The record of key `thumbprint` registered by `authorityId` (authorityId 0 when it has registered none).
    function getSigningKey(uint32 authorityId, bytes32 thumbprint) external view returns (SigningKey memory);

    /// @notice Whether a signature for `authorityId` made with `thumbprint` at `time` is valid: the authority registered
    /// the key, and `time` is within its validity period and before any compromise.
    function isKeyValidAt(uint32 authorityId, bytes32 thumbprint, uint64 time) external view returns (bool);
}
