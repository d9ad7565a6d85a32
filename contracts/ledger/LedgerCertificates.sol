// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ILedgerCertificates} from "../interfaces/ILedgerCertificates.sol";
import {
    Batch,
    BatchMember,
    CertificateRecord,
    CertificateState,
    CertificateStatus
} from "../interfaces/LedgerTypes.sol";
import {LedgerAuthorities} from "./LedgerAuthorities.sol";

/// @title Certificates and Merkle batches: anchoring, and status changes by the issuer or its party admin.
abstract contract LedgerCertificates is LedgerAuthorities, ILedgerCertificates {
    /// Direct anchors. Batched certificates never live here: a record is written only by the authority of its anchoring.
    mapping(bytes32 certHash => CertificateRecord record) private _records;
    mapping(bytes32 certHash => bytes32 replacement) private _replacements;
    /// A batch is the authority's: another authority anchoring the same root makes a batch of its own.
    mapping(bytes32 root => mapping(uint32 authorityId => Batch batch)) private _batches;
    /// Batched certificates whose status changed, keyed by `keccak256(abi.encode(root, leaf))` (the leaf names the
    /// authority). A batched revocation's replacement is in its event only: no view reads it, so it is not stored.
    mapping(bytes32 memberKey => CertificateRecord record) private _memberRecords;

    /// @inheritdoc ILedgerCertificates
    function anchorCertificate(
        bytes32 certHash,
        uint8 certType,
        uint64 validUntil,
        bytes32 numberHash,
        bytes calldata payloadCid
    ) external {
        uint32 authorityId = _anchoringAuthority(certType);
        if (certHash == bytes32(0)) revert LedgerZeroCertificateHash();
        uint64 nowTime = uint64(block.timestamp);
        if (validUntil <= nowTime) revert LedgerInvalidCertificateValidity(validUntil, nowTime);
        if (_records[certHash].status != CertificateStatus.None) revert LedgerCertificateAlreadyAnchored(certHash);
        _records[certHash] = CertificateRecord({
            authorityId: authorityId,
            certType: certType,
            status: CertificateStatus.Active,
            revocationReason: 0,
            issuedAt: nowTime,
            validUntil: validUntil,
            statusChangedAt: nowTime
        });
        emit CertificateAnchored(certHash, numberHash, authorityId, certType, validUntil, payloadCid);
    }

    /// @inheritdoc ILedgerCertificates
    function anchorBatch(bytes32 root, uint8 certType, uint32 leafCount, bytes calldata manifestCid) external {
        uint32 authorityId = _anchoringAuthority(certType);
        if (root == bytes32(0)) revert LedgerZeroBatchRoot();
        if (leafCount == 0) revert LedgerEmptyBatch();
        Batch storage batch = _batches[root][authorityId];
        if (batch.authorityId != 0) revert LedgerBatchAlreadyAnchored(root, authorityId);
        batch.authorityId = authorityId;
        batch.certType = certType;
        batch.leafCount = leafCount;
        batch.issuedAt = uint64(block.timestamp);
        emit BatchAnchored(root, authorityId, certType, leafCount, manifestCid);
    }

    /// @inheritdoc ILedgerCertificates
    function suspendCertificate(bytes32 certHash) external {
        _suspend(certHash, bytes32(0), _existingRecord(certHash));
    }

    /// @inheritdoc ILedgerCertificates
    function reinstateCertificate(bytes32 certHash) external {
        _reinstate(certHash, bytes32(0), _existingRecord(certHash));
    }

    /// @inheritdoc ILedgerCertificates
    function revokeCertificate(bytes32 certHash, uint8 reason, uint64 effectiveAt, bytes32 replacement) external {
        CertificateRecord storage r = _existingRecord(certHash);
        _revoke(certHash, bytes32(0), r, reason, effectiveAt, replacement);
        if (replacement != bytes32(0)) _replacements[certHash] = replacement;
    }

    /// @inheritdoc ILedgerCertificates
    function suspendBatchedCertificate(BatchMember calldata member) external {
        _suspend(member.certHash, member.root, _materialise(member));
    }

    /// @inheritdoc ILedgerCertificates
    function reinstateBatchedCertificate(BatchMember calldata member) external {
        _reinstate(member.certHash, member.root, _materialise(member));
    }

    /// @inheritdoc ILedgerCertificates
    function revokeBatchedCertificate(
        BatchMember calldata member,
        uint8 reason,
        uint64 effectiveAt,
        bytes32 replacement
    ) external {
        _revoke(member.certHash, member.root, _materialise(member), reason, effectiveAt, replacement);
    }

    /// @inheritdoc ILedgerCertificates
    function getCertificate(bytes32 certHash) external view returns (CertificateRecord memory) {
        return _records[certHash];
    }

    /// @inheritdoc ILedgerCertificates
    function replacementOf(bytes32 certHash) external view returns (bytes32) {
        return _replacements[certHash];
    }

    /// @inheritdoc ILedgerCertificates
    function getBatchedCertificate(BatchMember calldata member) public view returns (CertificateRecord memory r) {
        // The proof is checked first, even for a materialised certificate: a real hash paired with another
        // number or validity must not borrow that certificate's record.
        bytes32 leaf = _leafOf(member);
        if (!_isMember(member, leaf)) return r;
        r = _memberRecords[_memberKey(member.root, leaf)];
        if (r.status == CertificateStatus.None) r = _batchRecord(_batches[member.root][member.authorityId], member.validUntil);
    }

    /// @inheritdoc ILedgerCertificates
    function certificateStateAt(bytes32 certHash, uint64 time) external view returns (CertificateState) {
        return _stateAt(_records[certHash], time);
    }

    /// @inheritdoc ILedgerCertificates
    function getBatch(bytes32 root, uint32 authorityId) external view returns (Batch memory) {
        return _batches[root][authorityId];
    }

    /// @inheritdoc ILedgerCertificates
    function batchLeaf(
        bytes32 certHash,
        bytes32 numberHash,
        uint64 validUntil,
        uint32 authorityId
    ) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(certHash, numberHash, validUntil, authorityId))));
    }

    /// @inheritdoc ILedgerCertificates
    function isBatchMember(BatchMember calldata member) external view returns (bool) {
        return _isMember(member, _leafOf(member));
    }

    /// @inheritdoc ILedgerCertificates
    function batchedCertificateStateAt(
        BatchMember calldata member,
        uint64 time
    ) external view returns (CertificateState) {
        return _stateAt(getBatchedCertificate(member), time);
    }

    /// @dev The record of `certHash`, which must exist.
    function _existingRecord(bytes32 certHash) internal view returns (CertificateRecord storage r) {
        r = _records[certHash];
        if (r.status == CertificateStatus.None) revert LedgerUnknownCertificate(certHash);
    }

    function _suspend(bytes32 certHash, bytes32 root, CertificateRecord storage r) private {
        // A safety action: allowed even while the authority or its party is suspended.
        _checkAuthorityManager(r.authorityId);
        if (r.status != CertificateStatus.Active) revert LedgerInvalidStatusChange(certHash, r.status);
        r.status = CertificateStatus.Suspended;
        r.statusChangedAt = uint64(block.timestamp);
        emit CertificateSuspended(certHash, r.authorityId, root);
    }

    function _reinstate(bytes32 certHash, bytes32 root, CertificateRecord storage r) private {
        _checkActiveAuthorityManager(r.authorityId);
        if (r.status != CertificateStatus.Suspended) revert LedgerInvalidStatusChange(certHash, r.status);
        r.status = CertificateStatus.Active;
        r.statusChangedAt = uint64(block.timestamp);
        emit CertificateReinstated(certHash, r.authorityId, root);
    }

    function _revoke(
        bytes32 certHash,
        bytes32 root,
        CertificateRecord storage r,
        uint8 reason,
        uint64 effectiveAt,
        bytes32 replacement
    ) private {
        // A safety action: allowed even while the authority or its party is suspended.
        _checkAuthorityManager(r.authorityId);
        if (r.status == CertificateStatus.Revoked) revert LedgerInvalidStatusChange(certHash, r.status);
        if (!_isRevocationReason(reason)) revert LedgerInvalidRevocationReason(reason);
        uint64 nowTime = uint64(block.timestamp);
        if (effectiveAt < r.issuedAt || effectiveAt > nowTime) {
            revert LedgerInvalidRevocationTime(effectiveAt, r.issuedAt, nowTime);
        }
        if (replacement == certHash) revert LedgerSelfReplacement(certHash);
        r.status = CertificateStatus.Revoked;
        r.revocationReason = reason;
        r.statusChangedAt = effectiveAt;
        emit CertificateRevoked(certHash, r.authorityId, root, reason, effectiveAt, replacement);
    }

    /// @dev Gives a batched certificate a record of its own (once), so its status can change on its own.
    function _materialise(BatchMember calldata member) private returns (CertificateRecord storage r) {
        bytes32 leaf = _leafOf(member);
        bytes32 key = _memberKey(member.root, leaf);
        r = _memberRecords[key];
        if (r.status != CertificateStatus.None) return r;
        Batch memory batch = _batches[member.root][member.authorityId];
        if (batch.authorityId == 0) revert LedgerUnknownBatch(member.root, member.authorityId);
        if (!MerkleProof.verifyCalldata(member.proof, member.root, leaf)) {
            revert LedgerInvalidBatchProof(member.root, member.authorityId, member.certHash);
        }
        _memberRecords[key] = _batchRecord(batch, member.validUntil);
        emit BatchedCertificateMaterialised(member.certHash, member.root, member.numberHash, member.authorityId);
    }

    /// @dev Whether the batch of `member.root` and `member.authorityId` exists and its proof places `leaf` under it.
    /// (Authority 0 never anchors, so its batches never exist.)
    function _isMember(BatchMember calldata member, bytes32 leaf) private view returns (bool) {
        if (_batches[member.root][member.authorityId].authorityId == 0) return false;
        return MerkleProof.verifyCalldata(member.proof, member.root, leaf);
    }

    function _leafOf(BatchMember calldata member) private pure returns (bytes32) {
        return batchLeaf(member.certHash, member.numberHash, member.validUntil, member.authorityId);
    }

    /// @dev One record per batch and leaf; the leaf names its authority, so no two authorities share a key.
    function _memberKey(bytes32 root, bytes32 leaf) private pure returns (bytes32) {
        return keccak256(abi.encode(root, leaf));
    }

    function _batchRecord(Batch memory batch, uint64 validUntil) private pure returns (CertificateRecord memory) {
        return
            CertificateRecord({
                authorityId: batch.authorityId,
                certType: batch.certType,
                status: CertificateStatus.Active,
                revocationReason: 0,
                issuedAt: batch.issuedAt,
                validUntil: validUntil,
                statusChangedAt: batch.issuedAt
            });
    }

    function _stateAt(CertificateRecord memory r, uint64 time) private pure returns (CertificateState) {
        if (r.status == CertificateStatus.None || time < r.issuedAt) return CertificateState.Unknown;
        if (r.status == CertificateStatus.Revoked && time >= r.statusChangedAt) return CertificateState.Revoked;
        if (r.status == CertificateStatus.Suspended && time >= r.statusChangedAt) return CertificateState.Suspended;
        if (time > r.validUntil) return CertificateState.Expired;
        return CertificateState.Active;
    }

    /// @dev RFC 5280 CRLReason values that revoke: 0-5, 9, 10. 6 (certificateHold) is a suspension here and
    /// 8 (removeFromCRL) an undo, so neither is a revocation reason; 7 is unused by the RFC.
    function _isRevocationReason(uint8 reason) private pure returns (bool) {
        return reason <= 5 || reason == 9 || reason == 10;
    }
}
