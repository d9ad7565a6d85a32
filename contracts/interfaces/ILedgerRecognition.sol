// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title Recognition of foreign certificates.
/// @notice The importing party's admin records which issuing parties, or single authorities, it recognises for
/// which certificate types (a bit set, as an authority's scope). A party always recognises its own authorities.
interface ILedgerRecognition {
    /// @notice A party recognises its own certificates by definition; `party` cannot set that.
    error LedgerSelfRecognition(bytes2 party);

    /// @notice `importer` now recognises certificates of `types` issued by any authority of `issuer` (0: none).
    event PartyRecognitionSet(bytes2 indexed importer, bytes2 indexed issuer, uint64 types);
    /// @notice `importer` now recognises certificates of `types` issued by `authorityId` (0: none beyond its party's).
    event AuthorityRecognitionSet(bytes2 indexed importer, uint32 indexed authorityId, uint64 types);

    /// @notice Records that `importer` recognises `types` from every authority of `issuer`. Only an admin of `importer` may call.
    function setPartyRecognition(bytes2 importer, bytes2 issuer, uint64 types) external;

    /// @notice Records that `importer` recognises `types` from `authorityId`. Only an admin of `importer` may call.
    function setAuthorityRecognition(bytes2 importer, uint32 authorityId, uint64 types) external;

    /// @notice The types `importer` recognises from every authority of `issuer`.
    function partyRecognition(bytes2 importer, bytes2 issuer) external view returns (uint64);

    /// @notice The types `importer` recognises from `authorityId` specifically.
    function authorityRecognition(bytes2 importer, uint32 authorityId) external view returns (uint64);

    /// @notice Whether `importer` recognises certificates of `certType` issued by `authorityId`.
    function recognises(bytes2 importer, uint32 authorityId, uint8 certType) external view returns (bool);
}
