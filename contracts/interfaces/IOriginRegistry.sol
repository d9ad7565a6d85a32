// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {
    AgreementRecognition,
    AgreementStatus,
    Declaration,
    Registration,
    RegistrationInput,
    RegistrationStatus,
    TraderKey
} from "./OriginTypes.sol";

/// @title Origin declarations: trade agreements, registered exporters and importers, and recognition per agreement.
/// @notice Beside the ledger, trusting it for parties, admins and authorities:
/// - **Agreements** (a free trade agreement: a code such as "KG-KZ" or "CISFTA", a name, its parties) are proposed by
///   an admin of one of their parties and come into force once an admin of every party named approved: no party is
///   put into an agreement without its consent.
/// - **Registrations**: an origin authority of a party (an authority whose scope holds type 5 to register exporters,
///   type 6 to register importers) registers traders with a unique number (e.g. "KG-REX-000123"), the HS headings
///   they may declare for, a validity period, and their signing keys. Name and address go on chain only with the
///   trader's consent; otherwise the chain keeps their digest.
/// - **Declarations**: the registering authority's account records a declaration's certificate hash, once it found
///   the registration active and valid, the headings within it and the agreement in force with both parties in it;
///   then it anchors the declaration on the ledger (type 5 or 6). A record is keyed by the certificate hash and the
///   authority, like the ledger's own records, so no other authority can take a declaration's place.
/// - **Recognition per agreement**: an importing party's admin states which proofs it accepts from which party under
///   which agreement, with validity dates. The ledger's recognition of certificate types keeps applying beside it.
interface IOriginRegistry {
    /// @notice `account` is not an admin of `party`, or `party` is not active.
    error OriginNotPartyAdmin(address account, bytes2 party);
    /// @notice An agreement code must be 1..32 characters; this one is taken, or empty.
    error OriginInvalidAgreementCode(string code);
    /// @notice An agreement names 2..`max` distinct parties known to the ledger; `party` is not one or repeats.
    error OriginInvalidAgreementParties(bytes2 party, uint256 max);
    /// @notice No agreement has id `agreementId`.
    error OriginUnknownAgreement(uint32 agreementId);
    /// @notice `party` is not a party to agreement `agreementId`.
    error OriginNotAgreementParty(uint32 agreementId, bytes2 party);
    /// @notice `party` already approved agreement `agreementId`.
    error OriginAlreadyApproved(uint32 agreementId, bytes2 party);
    /// @notice Agreement `agreementId` is in force (or was withdrawn): only a proposal can be withdrawn.
    error OriginAgreementInForce(uint32 agreementId);
    /// @notice Agreement `agreementId` is not in force yet: not every party approved it.
    error OriginAgreementNotInForce(uint32 agreementId);
    /// @notice `account` is not an account of an active authority of an active party, or that authority's scope lacks `certType`.
    error OriginNotOriginAuthority(address account, uint32 authorityId, uint8 certType);
    /// @notice The registration number does not start with its party's code, is longer than 40 characters, or is taken
    /// (by registration `registrationId`).
    error OriginInvalidRegistrationNumber(string number, uint32 registrationId);
    /// @notice A registration covers 1..`max` HS headings, each 101..9999 (the 4-digit heading as a number).
    error OriginInvalidHeadings(uint256 index, uint256 max);
    /// @notice `validFrom` is not before `validUntil`.
    error OriginInvalidValidity(uint64 validFrom, uint64 validUntil);
    /// @notice No registration has id `registrationId`.
    error OriginUnknownRegistration(uint32 registrationId);
    /// @notice Registration `registrationId` is `status`, which does not allow this.
    error OriginInvalidRegistrationStatus(uint32 registrationId, RegistrationStatus status);
    /// @notice At `time` registration `registrationId` is outside its validity period.
    error OriginRegistrationNotValidAt(uint32 registrationId, uint64 time);
    /// @notice `account` may not manage registration `registrationId`: only its authority's accounts and its party's admins
    /// may, and restoring trust (reinstating, adding a key) needs that authority, or that party, active.
    error OriginNotRegistrar(address account, uint32 registrationId);
    /// @notice Key `thumbprint` is zero or already registered under registration `registrationId`.
    error OriginInvalidTraderKey(uint32 registrationId, bytes32 thumbprint);
    /// @notice HS heading `heading` is not among registration `registrationId`'s headings.
    error OriginHeadingNotRegistered(uint32 registrationId, uint16 heading);
    /// @notice `counterpart` cannot be the other side of a declaration by registration `registrationId` (its own party).
    error OriginInvalidCounterpart(uint32 registrationId, bytes2 counterpart);
    /// @notice `certHash` was recorded as another declaration by this authority (registration `registrationId`).
    error OriginDeclarationConflict(bytes32 certHash, uint32 registrationId);
    /// @notice `certHash` is zero.
    error OriginZeroCertificateHash();
    /// @notice A party recognises its own proofs by definition; `party` cannot set that.
    error OriginSelfRecognition(bytes2 party);
    /// @notice A proof set is a combination of 1, 2 and 4.
    error OriginInvalidProofs(uint8 proofs);

    /// @notice An admin of `proposer` proposed agreement `agreementId` (`code`, `name`) between `parties`.
    event AgreementProposed(uint32 indexed agreementId, string code, string name, bytes2[] parties, bytes2 proposer);
    /// @notice `party` approved agreement `agreementId`.
    event AgreementApproved(uint32 indexed agreementId, bytes2 indexed party);
    /// @notice Every party approved agreement `agreementId`: it is in force.
    event AgreementInForce(uint32 indexed agreementId);
    /// @notice `party` withdrew agreement `agreementId` before it came into force; its code is free again.
    event AgreementWithdrawn(uint32 indexed agreementId, bytes2 indexed party);
    /// @notice An origin authority of `party` registered trader `registrationId` as `registration` says.
    event TraderRegistered(uint32 indexed registrationId, bytes2 indexed party, RegistrationInput registration);
    /// @notice Registration `registrationId` became `status` at `at`.
    event RegistrationStatusChanged(uint32 indexed registrationId, uint8 status, uint64 at);
    /// @notice Registration `registrationId` may sign with key `thumbprint` from `validFrom` to `validUntil`.
    event TraderKeyAdded(uint32 indexed registrationId, bytes32 indexed thumbprint, uint64 validFrom, uint64 validUntil);
    /// @notice Key `thumbprint` of registration `registrationId` is revoked from `revokedAt`.
    event TraderKeyRevoked(uint32 indexed registrationId, bytes32 indexed thumbprint, uint64 revokedAt);
    /// @notice Registration `registrationId` of `party` declared the origin of `certHash` (anchored by `authorityId`)
    /// under agreement `agreementId`, with `counterpart` on the other side.
    event DeclarationRecorded(
        bytes32 indexed certHash,
        uint32 indexed registrationId,
        uint32 indexed agreementId,
        uint32 authorityId,
        bytes2 party,
        bytes2 counterpart
    );
    /// @notice `importer` accepts `proofs` from `issuer` under `agreementId` from `validFrom` to `validUntil` (0: none).
    event AgreementRecognitionSet(
        bytes2 indexed importer,
        bytes2 indexed issuer,
        uint32 indexed agreementId,
        uint8 proofs,
        uint64 validFrom,
        uint64 validUntil
    );

    /// @notice Proposes an agreement; the caller, an admin of active `proposer` (one of `parties`), approves it at once.
    function proposeAgreement(
        string calldata code,
        string calldata name,
        bytes2[] calldata parties,
        bytes2 proposer
    ) external returns (uint32 agreementId);

    /// @notice Approves agreement `agreementId` for `party`. Only an admin of `party`, while active, may call.
    function approveAgreement(uint32 agreementId, bytes2 party) external;

    /// @notice Withdraws agreement `agreementId`, still proposed, for `party` (one of its parties; an admin of it may call,
    /// even while the party is suspended): a proposal a party will not approve cannot hold its code for ever.
    function withdrawAgreement(uint32 agreementId, bytes2 party) external;

    /// @notice Registers a trader. Only an account of `input.authorityId` may call, while it and its party are active
    /// and its scope holds the kind's declaration type (5 exporters, 6 importers).
    function registerTrader(RegistrationInput calldata input) external returns (uint32 registrationId);

    /// @notice Suspends (2), reinstates (1) or revokes (3, final) registration `registrationId`. Its authority's
    /// accounts and its party's admins may call.
    function setRegistrationStatus(uint32 registrationId, RegistrationStatus status) external;

    /// @notice Registers a signing key of the trader. Its authority's accounts and its party's admins may call.
    function addTraderKey(uint32 registrationId, bytes32 thumbprint, uint64 validFrom, uint64 validUntil) external;

    /// @notice Revokes a signing key of the trader from `revokedAt` (not after now). Its registrars may call.
    function revokeTraderKey(uint32 registrationId, bytes32 thumbprint, uint64 revokedAt) external;

    /// @notice Records that registration `registrationId` declared the origin of `certHash` under `agreementId`.
    /// Only an account of the registration's authority may call; see the contract's rules.
    function recordDeclaration(
        bytes32 certHash,
        uint32 registrationId,
        uint32 agreementId,
        bytes2 counterpart,
        uint16[] calldata headings
    ) external;

    /// @notice Records which proofs `importer` accepts from `issuer` under `agreementId`. Only an admin of active
    /// `importer`, a party to the agreement in force, like `issuer`.
    function setAgreementRecognition(
        bytes2 importer,
        bytes2 issuer,
        uint32 agreementId,
        uint8 proofs,
        uint64 validFrom,
        uint64 validUntil
    ) external;

    /// @notice The ledger this registry answers for.
    function ledger() external view returns (address);

    /// @notice Agreement `agreementId`: code, name, parties, status and the parties' approvals (a bit per party, in order).
    function getAgreement(
        uint32 agreementId
    ) external view returns (string memory code, string memory name, bytes2[] memory parties, AgreementStatus status, uint32 approvals);

    /// @notice The id of the agreement with `code`, or 0.
    function agreementIdOf(string calldata code) external view returns (uint32);

    /// @notice How many agreements were proposed; ids run from 1 to this number.
    function agreementCount() external view returns (uint32);

    /// @notice Registration `registrationId` (status None when unknown).
    function getRegistration(uint32 registrationId) external view returns (Registration memory);

    /// @notice Registration `registrationId`'s number, headings, details digest and public details.
    function registrationDetails(
        uint32 registrationId
    ) external view returns (string memory number, uint16[] memory headings, bytes32 detailsDigest, string memory publicDetails);

    /// @notice The id of the registration with `number`, or 0.
    function registrationIdOf(string calldata number) external view returns (uint32);

    /// @notice How many registrations were made; ids run from 1 to this number.
    function registrationCount() external view returns (uint32);

    /// @notice Key `thumbprint` of registration `registrationId` (validFrom 0 when unknown).
    function getTraderKey(uint32 registrationId, bytes32 thumbprint) external view returns (TraderKey memory);

    /// @notice The declaration `authorityId` recorded for `certHash` (registrationId 0 when none).
    function getDeclaration(bytes32 certHash, uint32 authorityId) external view returns (Declaration memory);

    /// @notice Which proofs `importer` accepts from `issuer` under `agreementId`.
    function getAgreementRecognition(
        bytes2 importer,
        bytes2 issuer,
        uint32 agreementId
    ) external view returns (AgreementRecognition memory);
}
