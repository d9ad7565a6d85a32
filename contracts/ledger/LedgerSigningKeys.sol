// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ILedgerSigningKeys} from "../interfaces/ILedgerSigningKeys.sol";
import {SigningKey} from "../interfaces/LedgerTypes.sol";
import {LedgerAuthorities} from "./LedgerAuthorities.sol";

/// @title Signing keys of issuing authorities, with validity periods and compromise times.
/// @dev Keys are scoped to their authority: a thumbprint registered by one authority neither blocks nor is touched
/// by another authority's registration of the same thumbprint (issue #11, key squatting).
abstract contract LedgerSigningKeys is LedgerAuthorities, ILedgerSigningKeys {
    mapping(uint32 authorityId => mapping(bytes32 thumbprint => SigningKey key)) private _keys;

    /// @inheritdoc ILedgerSigningKeys
    function addSigningKey(
        uint32 authorityId,
        bytes32 thumbprint,
        bytes16 alg,
        uint64 validFrom,
        uint64 validUntil
    ) external {
        _checkActiveAuthorityManager(authorityId);
        _addKey(authorityId, thumbprint, alg, validFrom, validUntil);
    }

    /// @inheritdoc ILedgerSigningKeys
    function rotateSigningKey(
        uint32 authorityId,
        bytes32 oldThumbprint,
        bytes32 newThumbprint,
        bytes16 alg,
        uint64 validUntil
    ) external {
        _checkActiveAuthorityManager(authorityId);
        SigningKey storage old = _existingKey(authorityId, oldThumbprint);
        uint64 nowTime = uint64(block.timestamp);
        // A key already past its end keeps it; rotation never extends a key.
        if (old.validUntil > nowTime) old.validUntil = nowTime;
        emit SigningKeyRotated(authorityId, oldThumbprint, newThumbprint, old.validUntil);
        _addKey(authorityId, newThumbprint, alg, nowTime, validUntil);
    }

    /// @inheritdoc ILedgerSigningKeys
    function compromiseSigningKey(uint32 authorityId, bytes32 thumbprint, uint64 compromisedAt) external {
        // A safety action: allowed even while the authority or its party is suspended.
        _checkAuthorityManager(authorityId);
        SigningKey storage key = _existingKey(authorityId, thumbprint);
        uint64 nowTime = uint64(block.timestamp);
        if (compromisedAt == 0 || compromisedAt > nowTime) revert LedgerInvalidCompromiseTime(compromisedAt, nowTime);
        if (key.compromisedAt != 0 && key.compromisedAt <= compromisedAt) {
            revert LedgerKeyAlreadyCompromised(authorityId, thumbprint, key.compromisedAt);
        }
        key.compromisedAt = compromisedAt;
        emit SigningKeyCompromised(authorityId, thumbprint, compromisedAt);
    }

    /// @inheritdoc ILedgerSigningKeys
    function getSigningKey(uint32 authorityId, bytes32 thumbprint) external view returns (SigningKey memory) {
        return _keys[authorityId][thumbprint];
    }

    /// @inheritdoc ILedgerSigningKeys
    function isKeyValidAt(uint32 authorityId, bytes32 thumbprint, uint64 time) external view returns (bool) {
        SigningKey storage key = _keys[authorityId][thumbprint];
        if (key.authorityId == 0) return false;
        if (time < key.validFrom || time > key.validUntil) return false;
        return key.compromisedAt == 0 || time < key.compromisedAt;
    }

    function _addKey(uint32 authorityId, bytes32 thumbprint, bytes16 alg, uint64 validFrom, uint64 validUntil) private {
        if (thumbprint == bytes32(0)) revert LedgerZeroKeyThumbprint();
        if (alg == bytes16(0)) revert LedgerEmptyKeyAlgorithm();
        if (validFrom >= validUntil) revert LedgerInvalidValidityPeriod(validFrom, validUntil);
        SigningKey storage key = _keys[authorityId][thumbprint];
        if (key.authorityId != 0) revert LedgerKeyAlreadyRegistered(authorityId, thumbprint);
        key.authorityId = authorityId;
        key.validFrom = validFrom;
        key.validUntil = validUntil;
        key.alg = alg;
        emit SigningKeyAdded(authorityId, thumbprint, alg, validFrom, validUntil);
    }

    /// @dev The record of `thumbprint` registered by `authorityId`, which must exist.
    function _existingKey(uint32 authorityId, bytes32 thumbprint) private view returns (SigningKey storage key) {
        key = _keys[authorityId][thumbprint];
        if (key.authorityId == 0) revert LedgerUnknownKey(authorityId, thumbprint);
    }
}
