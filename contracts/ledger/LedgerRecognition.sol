// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ILedgerRecognition} from "../interfaces/ILedgerRecognition.sol";
import {PartyStatus} from "../interfaces/LedgerTypes.sol";
import {LedgerAuthorities} from "./LedgerAuthorities.sol";

/// @title Which foreign parties and authorities each party recognises, for which certificate types.
abstract contract LedgerRecognition is LedgerAuthorities, ILedgerRecognition {
    mapping(bytes2 importer => mapping(bytes2 issuer => uint64 types)) private _partyRecognition;
    mapping(bytes2 importer => mapping(uint32 authorityId => uint64 types)) private _authorityRecognition;

    /// @inheritdoc ILedgerRecognition
    function setPartyRecognition(bytes2 importer, bytes2 issuer, uint64 types) external onlyActivePartyAdmin(importer) {
        if (_partyStatus(issuer) == PartyStatus.None) revert LedgerUnknownParty(issuer);
        if (issuer == importer) revert LedgerSelfRecognition(importer);
        _checkTypes(types);
        _partyRecognition[importer][issuer] = types;
        emit PartyRecognitionSet(importer, issuer, types);
    }

    /// @inheritdoc ILedgerRecognition
    function setAuthorityRecognition(
        bytes2 importer,
        uint32 authorityId,
        uint64 types
    ) external onlyActivePartyAdmin(importer) {
        if (_existingAuthority(authorityId).party == importer) revert LedgerSelfRecognition(importer);
        _checkTypes(types);
        _authorityRecognition[importer][authorityId] = types;
        emit AuthorityRecognitionSet(importer, authorityId, types);
    }

    /// @inheritdoc ILedgerRecognition
    function partyRecognition(bytes2 importer, bytes2 issuer) external view returns (uint64) {
        return _partyRecognition[importer][issuer];
    }

    /// @inheritdoc ILedgerRecognition
    function authorityRecognition(bytes2 importer, uint32 authorityId) external view returns (uint64) {
        return _authorityRecognition[importer][authorityId];
    }

    /// @inheritdoc ILedgerRecognition
    function recognises(bytes2 importer, uint32 authorityId, uint8 certType) external view returns (bool) {
        bytes2 issuer = _authorityParty(authorityId);
        if (issuer == bytes2(0)) return false;
        // Own certificates are recognised whatever their type, provided it is a type at all.
        if (issuer == importer) return _inTypes(type(uint64).max, certType);
        uint64 types = _partyRecognition[importer][issuer] | _authorityRecognition[importer][authorityId];
        return _inTypes(types, certType);
    }

    /// @dev A type set may be empty (recognise nothing) but may not name type 0.
    function _checkTypes(uint64 types) private pure {
        if (types & 1 == 1) revert LedgerInvalidScope(types);
    }
}
