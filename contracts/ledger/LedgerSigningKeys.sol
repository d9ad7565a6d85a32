// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ILedgerSigningKeys} from "../interfaces/ILedgerSigningKeys.sol";
import {SigningKey} from "../interfaces/LedgerTypes.sol";
import {LedgerAuthorities} from "./LedgerAuthorities.sol";

/// @title Signing keys of issuing authorities, with validity periods and compromise times.
abstract contract LedgerSigningKeys is LedgerAuthorities, ILedgerSigningKeys {
    mapping(bytes32 thumbprint => SigningKey key) private _keys;

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
        SigningKey storage old = _keyOf(oldThumbprint, authorityId);
        uint64 nowTime = uint64(block.timestamp);
        // A key already past its end keeps it; rotation never extends a key.
        if (old.validUntil > nowTime) old.validUntil = nowTime;
        emit SigningKeyRotated(authorityId, oldThumbprint, newThumbprint, old.validUntil);
        _addKey(authorityId, newThumbprint, alg, nowTime, validUntil);
    }

    /// @inheritdoc ILedgerSigningKeys
    function compromiseSigningKey(bytes32 thumbprint, uint64 compromisedAt) external {
        SigningKey storage key = _keys[thumbprint];
        if (key.authorityId == 0) revert LedgerUnknownKey(thumbprint);
        // A safety action: allowed even while the authority or its party is suspended.
        _checkAuthorityManager(key.authorityId);
        uint64 nowTime = uint64(block.timestamp);
        if (compromisedAt == 0 || compromisedAt > nowTime) revert LedgerInvalidCompromiseTime(compromisedAt, nowTime);
        if (key.compromisedAt != 0 && key.compromisedAt <= compromisedAt) {
            revert LedgerKeyAlreadyCompromised(thumbprint, key.compromisedAt);
        }
        key.compromisedAt = compromisedAt;
        emit SigningKeyCompromised(key.authorityId, thumbprint, compromisedAt);
    }

    /// @inheritdoc ILedgerSigningKeys
    function getSigningKey(bytes32 thumbprint) external view returns (SigningKey memory) {
        return _keys[thumbprint];
    }

    /// @inheritdoc ILedgerSigningKeys
    function isKeyValidAt(bytes32 thumbprint, uint64 time) external view returns (bool) {
        SigningKey storage key = _keys[thumbprint];
        if (key.authorityId == 0) return false;
        if (time < key.validFrom || time > key.validUntil) return false;
        return key.compromisedAt == 0 || time < key.compromisedAt;
    }

    function _addKey(uint32 authorityId, bytes32 thumbprint, bytes16 alg, uint64 validFrom, uint64 validUntil) private {
        if (thumbprint == bytes32(0)) revert LedgerZeroKeyThumbprint();
        if (alg == bytes16(0)) revert LedgerEmptyKeyAlgorithm();
        if (validFrom >= validUntil) revert LedgerInvalidValidityPeriod(validFrom, validUntil);
        uint32 owner = _keys[thumbprint].authorityId;
        if (owner != 0) revert LedgerKeyAlreadyRegistered(thumbprint, owner);
        _keys[thumbprint] = SigningKey({
            authorityId: authorityId,
            validFrom: validFrom,
            validUntil: validUntil,
            compromisedAt: 0,
            alg: alg
        });
        emit SigningKeyAdded(authorityId, thumbprint, alg, validFrom, validUntil);
    }

    function _keyOf(bytes32 thumbprint, uint32 authorityId) private view returns (SigningKey storage key) {
        key = _keys[thumbprint];
        if (key.authorityId == 0) revert LedgerUnknownKey(thumbprint);
        if (key.authorityId != authorityId) revert LedgerKeyNotOfAuthority(thumbprint, authorityId);
    }
}
