// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ICertificateLedger} from "../interfaces/ICertificateLedger.sol";
import {IOriginRegistry} from "../interfaces/IOriginRegistry.sol";
import {Authority, AuthorityStatus, PartyStatus} from "../interfaces/LedgerTypes.sol";
import {
    AgreementRecognition,
    AgreementStatus,
    Declaration,
    Registration,
    RegistrationInput,
    RegistrationStatus,
    TraderKey,
    TraderKind
} from "../interfaces/OriginTypes.sol";

/// @title CertLedger's origin registry: agreements, registered exporters and importers, their declarations, and
/// recognition per agreement.
/// @notice A contract beside the ledger, as the importing side's is: the ledger is within 700 bytes of the
/// 24,576-byte limit, and nothing here is read when anchoring. Clients bind to one deployment: its file names the
/// ledger and, beside it, this registry (`deployment.origin`), which answers `ledger()` with the ledger's address.
/// The chain enforces who writes in whose name and the facts a forged declaration would need to change: a
/// registration's status and validity when it declared, its headings, the agreement and its parties. Whether a
/// party recognises a proof is the verifier's rule (src/origin/recognition-rules.ts), over the facts kept here.
contract OriginRegistry is IOriginRegistry {
    /// @dev The ledger's certificate types of declarations: an exporter's (5) and an importer's (6).
    uint8 private constant EXPORTER_DECLARATION = 5;
    uint8 private constant IMPORTER_DECLARATION = 6;
    /// @dev Approvals are a bit per party, in a uint32.
    uint256 private constant MAX_AGREEMENT_PARTIES = 32;
    /// @dev Enough for a trader's product range; bounds the headings check of every declaration.
    uint256 private constant MAX_HEADINGS = 64;
    uint256 private constant MAX_NUMBER_BYTES = 40;
    uint256 private constant MAX_CODE_BYTES = 32;
    uint8 private constant ALL_PROOFS = 7;

    ICertificateLedger private immutable LEDGER;

    struct Agreement {
        AgreementStatus status;
        uint32 approvals;
        string code;
        string name;
        bytes2[] parties;
    }

    uint32 private _agreementCount;
    mapping(uint32 agreementId => Agreement agreement) private _agreements;
    mapping(bytes32 codeHash => uint32 agreementId) private _agreementByCode;

    uint32 private _registrationCount;
    mapping(uint32 registrationId => Registration registration) private _registrations;
    mapping(uint32 registrationId => string number) private _numbers;
    mapping(uint32 registrationId => uint16[] headings) private _headings;
    mapping(uint32 registrationId => bytes32 digest) private _detailsDigests;
    mapping(uint32 registrationId => string details) private _publicDetails;
    mapping(bytes32 numberHash => uint32 registrationId) private _registrationByNumber;
    mapping(uint32 registrationId => mapping(bytes32 thumbprint => TraderKey key)) private _keys;

    mapping(bytes32 declarationKey => Declaration declaration) private _declarations;
    mapping(bytes2 importer => mapping(bytes2 issuer => mapping(uint32 agreementId => AgreementRecognition recognition)))
        private _recognition;

    /// @param ledger_ The CertificateLedger whose parties and authorities this registry trusts.
    constructor(address ledger_) {
        LEDGER = ICertificateLedger(ledger_);
    }

    // ---------------------------------------------------------------- agreements

    /// @inheritdoc IOriginRegistry
    function proposeAgreement(
        string calldata code,
        string calldata name,
        bytes2[] calldata parties,
        bytes2 proposer
    ) external returns (uint32 agreementId) {
        _checkActivePartyAdmin(proposer);
        bytes32 codeHash = keccak256(bytes(code));
        if (bytes(code).length == 0 || bytes(code).length > MAX_CODE_BYTES || _agreementByCode[codeHash] != 0) {
            revert OriginInvalidAgreementCode(code);
        }
        if (parties.length < 2 || parties.length > MAX_AGREEMENT_PARTIES) {
            revert OriginInvalidAgreementParties(bytes2(0), MAX_AGREEMENT_PARTIES);
        }
        uint256 proposerIndex = MAX_AGREEMENT_PARTIES;
        for (uint256 i = 0; i < parties.length; ++i) {
            if (LEDGER.getParty(parties[i]).status == PartyStatus.None) {
                revert OriginInvalidAgreementParties(parties[i], MAX_AGREEMENT_PARTIES);
            }
            for (uint256 j = 0; j < i; ++j) {
                if (parties[j] == parties[i]) revert OriginInvalidAgreementParties(parties[i], MAX_AGREEMENT_PARTIES);
            }
            if (parties[i] == proposer) proposerIndex = i;
        }
        if (proposerIndex == MAX_AGREEMENT_PARTIES) revert OriginNotAgreementParty(0, proposer);
        agreementId = ++_agreementCount;
        Agreement storage agreement = _agreements[agreementId];
        agreement.status = AgreementStatus.Proposed;
        agreement.approvals = uint32(1 << proposerIndex);
        agreement.code = code;
        agreement.name = name;
        agreement.parties = parties;
        _agreementByCode[codeHash] = agreementId;
        emit AgreementProposed(agreementId, code, name, parties, proposer);
        emit AgreementApproved(agreementId, proposer);
    }

    /// @inheritdoc IOriginRegistry
    function approveAgreement(uint32 agreementId, bytes2 party) external {
        _checkActivePartyAdmin(party);
        Agreement storage agreement = _agreements[agreementId];
        // A withdrawn proposal is gone: approving it cannot bring it back.
        if (agreement.status == AgreementStatus.None || agreement.status == AgreementStatus.Withdrawn) {
            revert OriginUnknownAgreement(agreementId);
        }
        uint256 index = _partyIndex(agreement.parties, party);
        if (index == MAX_AGREEMENT_PARTIES) revert OriginNotAgreementParty(agreementId, party);
        uint32 bit = uint32(1 << index);
        if (agreement.approvals & bit != 0) revert OriginAlreadyApproved(agreementId, party);
        uint32 approvals = agreement.approvals | bit;
        agreement.approvals = approvals;
        emit AgreementApproved(agreementId, party);
        if (approvals == uint32((1 << agreement.parties.length) - 1)) {
            agreement.status = AgreementStatus.InForce;
            emit AgreementInForce(agreementId);
        }
    }

    /// @inheritdoc IOriginRegistry
    function withdrawAgreement(uint32 agreementId, bytes2 party) external {
        Agreement storage agreement = _agreements[agreementId];
        if (agreement.status == AgreementStatus.None) revert OriginUnknownAgreement(agreementId);
        _checkPartyAdmin(party);
        if (_partyIndex(agreement.parties, party) == MAX_AGREEMENT_PARTIES) revert OriginNotAgreementParty(agreementId, party);
        if (agreement.status != AgreementStatus.Proposed) revert OriginAgreementInForce(agreementId);
        // The code is freed: a proposal one party never approves cannot hold it for ever.
        delete _agreementByCode[keccak256(bytes(agreement.code))];
        agreement.status = AgreementStatus.Withdrawn;
        emit AgreementWithdrawn(agreementId, party);
    }

    // ---------------------------------------------------------------- registrations

    /// @inheritdoc IOriginRegistry
    function registerTrader(RegistrationInput calldata input) external returns (uint32 registrationId) {
        if (input.kind == TraderKind.None) revert OriginNotOriginAuthority(msg.sender, input.authorityId, 0);
        bytes2 party = _checkOriginAuthority(input.authorityId, _declarationType(input.kind));
        bytes32 numberHash = keccak256(bytes(input.number));
        uint32 taken = _registrationByNumber[numberHash];
        // A number starts with its party's code (KG-REX-000123 is KG's), so no party can take another's numbers.
        bytes memory number = bytes(input.number);
        bool prefixed = number.length > 2 && number[0] == party[0] && number[1] == party[1];
        if (!prefixed || number.length > MAX_NUMBER_BYTES || taken != 0) revert OriginInvalidRegistrationNumber(input.number, taken);
        if (input.headings.length == 0 || input.headings.length > MAX_HEADINGS) {
            revert OriginInvalidHeadings(input.headings.length, MAX_HEADINGS);
        }
        for (uint256 i = 0; i < input.headings.length; ++i) {
            if (input.headings[i] < 101 || input.headings[i] > 9999) revert OriginInvalidHeadings(i, MAX_HEADINGS);
        }
        if (input.validFrom >= input.validUntil) revert OriginInvalidValidity(input.validFrom, input.validUntil);
        registrationId = ++_registrationCount;
        _registrations[registrationId] = Registration({
            party: party,
            authorityId: input.authorityId,
            kind: input.kind,
            status: RegistrationStatus.Active,
            validFrom: input.validFrom,
            validUntil: input.validUntil,
            statusChangedAt: uint64(block.timestamp)
        });
        _numbers[registrationId] = input.number;
        _headings[registrationId] = input.headings;
        _detailsDigests[registrationId] = input.detailsDigest;
        if (bytes(input.publicDetails).length > 0) _publicDetails[registrationId] = input.publicDetails;
        _registrationByNumber[numberHash] = registrationId;
        emit TraderRegistered(registrationId, party, input);
    }

    /// @inheritdoc IOriginRegistry
    function setRegistrationStatus(uint32 registrationId, RegistrationStatus status) external {
        Registration storage registration = _existingRegistration(registrationId);
        _checkRegistrar(registration, registrationId, status == RegistrationStatus.Active);
        RegistrationStatus current = registration.status;
        bool allowed = current != RegistrationStatus.Revoked &&
            ((status == RegistrationStatus.Suspended && current == RegistrationStatus.Active) ||
                (status == RegistrationStatus.Active && current == RegistrationStatus.Suspended) ||
                status == RegistrationStatus.Revoked);
        if (!allowed) revert OriginInvalidRegistrationStatus(registrationId, current);
        registration.status = status;
        registration.statusChangedAt = uint64(block.timestamp);
        emit RegistrationStatusChanged(registrationId, uint8(status), uint64(block.timestamp));
    }

    /// @inheritdoc IOriginRegistry
    function addTraderKey(uint32 registrationId, bytes32 thumbprint, uint64 validFrom, uint64 validUntil) external {
        Registration storage registration = _existingRegistration(registrationId);
        _checkRegistrar(registration, registrationId, true);
        if (registration.status == RegistrationStatus.Revoked) revert OriginInvalidRegistrationStatus(registrationId, registration.status);
        if (thumbprint == bytes32(0) || _keys[registrationId][thumbprint].validFrom != 0) {
            revert OriginInvalidTraderKey(registrationId, thumbprint);
        }
        if (validFrom == 0 || validFrom >= validUntil) revert OriginInvalidValidity(validFrom, validUntil);
        _keys[registrationId][thumbprint] = TraderKey({validFrom: validFrom, validUntil: validUntil, revokedAt: 0});
        emit TraderKeyAdded(registrationId, thumbprint, validFrom, validUntil);
    }

    /// @inheritdoc IOriginRegistry
    function revokeTraderKey(uint32 registrationId, bytes32 thumbprint, uint64 revokedAt) external {
        Registration storage registration = _existingRegistration(registrationId);
        _checkRegistrar(registration, registrationId, false);
        TraderKey storage key = _keys[registrationId][thumbprint];
        if (key.validFrom == 0) revert OriginInvalidTraderKey(registrationId, thumbprint);
        // A revocation takes effect from a moment not in the future, and may only be moved earlier (as a key's compromise).
        if (revokedAt == 0 || revokedAt > block.timestamp || (key.revokedAt != 0 && revokedAt >= key.revokedAt)) {
            revert OriginInvalidValidity(revokedAt, uint64(block.timestamp));
        }
        key.revokedAt = revokedAt;
        emit TraderKeyRevoked(registrationId, thumbprint, revokedAt);
    }

    // ---------------------------------------------------------------- declarations and recognition

    /// @inheritdoc IOriginRegistry
    function recordDeclaration(
        bytes32 certHash,
        uint32 registrationId,
        uint32 agreementId,
        bytes2 counterpart,
        uint16[] calldata headings
    ) external {
        if (certHash == bytes32(0)) revert OriginZeroCertificateHash();
        Registration memory registration = _existingRegistration(registrationId);
        // Only the registering authority's own accounts, while it may still issue the declaration type.
        if (LEDGER.authorityOfAccount(msg.sender) != registration.authorityId) revert OriginNotRegistrar(msg.sender, registrationId);
        _checkOriginAuthority(registration.authorityId, _declarationType(registration.kind));
        if (registration.status != RegistrationStatus.Active) revert OriginInvalidRegistrationStatus(registrationId, registration.status);
        uint64 nowTime = uint64(block.timestamp);
        if (nowTime < registration.validFrom || nowTime > registration.validUntil) {
            revert OriginRegistrationNotValidAt(registrationId, nowTime);
        }
        _checkHeadings(registrationId, headings);
        Agreement storage agreement = _agreementInForce(agreementId);
        if (_partyIndex(agreement.parties, registration.party) == MAX_AGREEMENT_PARTIES) {
            revert OriginNotAgreementParty(agreementId, registration.party);
        }
        if (counterpart == registration.party) revert OriginInvalidCounterpart(registrationId, counterpart);
        if (_partyIndex(agreement.parties, counterpart) == MAX_AGREEMENT_PARTIES) revert OriginNotAgreementParty(agreementId, counterpart);
        bytes32 key = keccak256(abi.encode(certHash, registration.authorityId));
        Declaration memory earlier = _declarations[key];
        if (earlier.registrationId != 0) {
            // A retry of the same declaration changes nothing; anything else under the same hash is refused.
            bool same = earlier.registrationId == registrationId &&
                earlier.agreementId == agreementId &&
                earlier.counterpart == counterpart;
            if (same) return;
            revert OriginDeclarationConflict(certHash, earlier.registrationId);
        }
        _declarations[key] = Declaration({
            registrationId: registrationId,
            agreementId: agreementId,
            counterpart: counterpart,
            declaredAt: nowTime
        });
        emit DeclarationRecorded(certHash, registrationId, agreementId, registration.authorityId, registration.party, counterpart);
    }

    /// @inheritdoc IOriginRegistry
    function setAgreementRecognition(
        bytes2 importer,
        bytes2 issuer,
        uint32 agreementId,
        uint8 proofs,
        uint64 validFrom,
        uint64 validUntil
    ) external {
        _checkActivePartyAdmin(importer);
        if (issuer == importer) revert OriginSelfRecognition(importer);
        Agreement storage agreement = _agreementInForce(agreementId);
        if (_partyIndex(agreement.parties, importer) == MAX_AGREEMENT_PARTIES) revert OriginNotAgreementParty(agreementId, importer);
        if (_partyIndex(agreement.parties, issuer) == MAX_AGREEMENT_PARTIES) revert OriginNotAgreementParty(agreementId, issuer);
        if (proofs & ~ALL_PROOFS != 0) revert OriginInvalidProofs(proofs);
        if (proofs != 0 && validFrom >= validUntil) revert OriginInvalidValidity(validFrom, validUntil);
        _recognition[importer][issuer][agreementId] = AgreementRecognition({proofs: proofs, validFrom: validFrom, validUntil: validUntil});
        emit AgreementRecognitionSet(importer, issuer, agreementId, proofs, validFrom, validUntil);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IOriginRegistry
    function ledger() external view returns (address) {
        return address(LEDGER);
    }

    /// @inheritdoc IOriginRegistry
    function getAgreement(
        uint32 agreementId
    ) external view returns (string memory code, string memory name, bytes2[] memory parties, AgreementStatus status, uint32 approvals) {
        Agreement storage agreement = _agreements[agreementId];
        return (agreement.code, agreement.name, agreement.parties, agreement.status, agreement.approvals);
    }

    /// @inheritdoc IOriginRegistry
    function agreementIdOf(string calldata code) external view returns (uint32) {
        return _agreementByCode[keccak256(bytes(code))];
    }

    /// @inheritdoc IOriginRegistry
    function agreementCount() external view returns (uint32) {
        return _agreementCount;
    }

    /// @inheritdoc IOriginRegistry
    function getRegistration(uint32 registrationId) external view returns (Registration memory) {
        return _registrations[registrationId];
    }

    /// @inheritdoc IOriginRegistry
    function registrationDetails(
        uint32 registrationId
    ) external view returns (string memory number, uint16[] memory headings, bytes32 detailsDigest, string memory publicDetails) {
        return (_numbers[registrationId], _headings[registrationId], _detailsDigests[registrationId], _publicDetails[registrationId]);
    }

    /// @inheritdoc IOriginRegistry
    function registrationIdOf(string calldata number) external view returns (uint32) {
        return _registrationByNumber[keccak256(bytes(number))];
    }

    /// @inheritdoc IOriginRegistry
    function registrationCount() external view returns (uint32) {
        return _registrationCount;
    }

    /// @inheritdoc IOriginRegistry
    function getTraderKey(uint32 registrationId, bytes32 thumbprint) external view returns (TraderKey memory) {
        return _keys[registrationId][thumbprint];
    }

    /// @inheritdoc IOriginRegistry
    function getDeclaration(bytes32 certHash, uint32 authorityId) external view returns (Declaration memory) {
        return _declarations[keccak256(abi.encode(certHash, authorityId))];
    }

    /// @inheritdoc IOriginRegistry
    function getAgreementRecognition(
        bytes2 importer,
        bytes2 issuer,
        uint32 agreementId
    ) external view returns (AgreementRecognition memory) {
        return _recognition[importer][issuer][agreementId];
    }

    // ---------------------------------------------------------------- internals

    function _checkPartyAdmin(bytes2 party) private view {
        if (party == bytes2(0) || LEDGER.partyOfAdmin(msg.sender) != party) revert OriginNotPartyAdmin(msg.sender, party);
    }

    function _checkActivePartyAdmin(bytes2 party) private view {
        if (party == bytes2(0) || LEDGER.partyOfAdmin(msg.sender) != party || LEDGER.getParty(party).status != PartyStatus.Active) {
            revert OriginNotPartyAdmin(msg.sender, party);
        }
    }

    /// @dev The caller is an account of active authority `authorityId` of an active party, valid now, with `certType`
    /// in its scope; returns its party.
    function _checkOriginAuthority(uint32 authorityId, uint8 certType) private view returns (bytes2 party) {
        Authority memory authority = LEDGER.getAuthority(authorityId);
        bool allowed = authorityId != 0 &&
            LEDGER.authorityOfAccount(msg.sender) == authorityId &&
            authority.status == AuthorityStatus.Active &&
            (authority.scope >> certType) & 1 == 1 &&
            block.timestamp >= authority.validFrom &&
            block.timestamp <= authority.validUntil &&
            LEDGER.getParty(authority.party).status == PartyStatus.Active;
        if (!allowed) revert OriginNotOriginAuthority(msg.sender, authorityId, certType);
        party = authority.party;
    }

    /// @dev Its authority's accounts and its party's admins manage a registration. Reducing trust (suspending, revoking,
    /// revoking a key) stays open to them whatever their standing, so a registration can always be stopped; restoring or
    /// adding trust (reinstating, adding a key) needs the authority active (for its accounts) or the party active (for
    /// its admins), as the ledger asks of reinstating a certificate.
    function _checkRegistrar(Registration storage registration, uint32 registrationId, bool addsTrust) private view {
        bool account = LEDGER.authorityOfAccount(msg.sender) == registration.authorityId;
        bool admin = LEDGER.partyOfAdmin(msg.sender) == registration.party;
        if (!account && !admin) revert OriginNotRegistrar(msg.sender, registrationId);
        if (!addsTrust) return;
        bool standing = admin
            ? LEDGER.getParty(registration.party).status == PartyStatus.Active
            : LEDGER.getAuthority(registration.authorityId).status == AuthorityStatus.Active;
        if (!standing) revert OriginNotRegistrar(msg.sender, registrationId);
    }

    function _existingRegistration(uint32 registrationId) private view returns (Registration storage registration) {
        registration = _registrations[registrationId];
        if (registration.status == RegistrationStatus.None) revert OriginUnknownRegistration(registrationId);
    }

    function _agreementInForce(uint32 agreementId) private view returns (Agreement storage agreement) {
        agreement = _agreements[agreementId];
        if (agreement.status == AgreementStatus.None) revert OriginUnknownAgreement(agreementId);
        if (agreement.status != AgreementStatus.InForce) revert OriginAgreementNotInForce(agreementId);
    }

    function _checkHeadings(uint32 registrationId, uint16[] calldata headings) private view {
        if (headings.length == 0 || headings.length > MAX_HEADINGS) revert OriginInvalidHeadings(headings.length, MAX_HEADINGS);
        uint16[] memory registered = _headings[registrationId];
        for (uint256 i = 0; i < headings.length; ++i) {
            bool found = false;
            for (uint256 j = 0; j < registered.length && !found; ++j) found = registered[j] == headings[i];
            if (!found) revert OriginHeadingNotRegistered(registrationId, headings[i]);
        }
    }

    function _declarationType(TraderKind kind) private pure returns (uint8) {
        return kind == TraderKind.Exporter ? EXPORTER_DECLARATION : IMPORTER_DECLARATION;
    }

    function _partyIndex(bytes2[] storage parties, bytes2 party) private view returns (uint256) {
        for (uint256 i = 0; i < parties.length; ++i) if (parties[i] == party) return i;
        return MAX_AGREEMENT_PARTIES;
    }
}
