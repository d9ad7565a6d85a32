// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice Who declares origin under a registration: an exporter (the WCO's model 4, like the EU's REX) or an
/// importer (model 5). Each kind's declarations are a certificate type of the ledger (5 and 6).
enum TraderKind {
    None,
    Exporter,
    Importer
}

/// @notice Lifecycle of a registration: Active ⇄ Suspended; Active/Suspended → Revoked (final).
enum RegistrationStatus {
    None,
    Active,
    Suspended,
    Revoked
}

/// @notice Lifecycle of a trade agreement: proposed by one of its parties, in force once every party approved, or
/// withdrawn before that by one of its parties (its code freed).
enum AgreementStatus {
    None,
    Proposed,
    InForce,
    Withdrawn
}

/// @notice A registered exporter or importer, registered by an origin authority of its party.
/// @dev One slot: party (16) | authorityId (32) | kind (8) | status (8) | validFrom (64) | validUntil (64) | statusChangedAt (64) = 256.
struct Registration {
    bytes2 party;
    uint32 authorityId;
    TraderKind kind;
    RegistrationStatus status;
    uint64 validFrom;
    uint64 validUntil;
    uint64 statusChangedAt;
}

/// @notice What a registration is made with. `headings` are the 4-digit HS headings it covers (0813 as 813);
/// `detailsDigest` is the SHA-256 of the trader's details as its authority holds them (name, address, contact);
/// `publicDetails` is those details as JSON when the trader consented to their publication, else empty.
struct RegistrationInput {
    uint32 authorityId;
    TraderKind kind;
    string number;
    uint16[] headings;
    uint64 validFrom;
    uint64 validUntil;
    bytes32 detailsDigest;
    string publicDetails;
}

/// @notice A trader's signing key, by its RFC 7638 thumbprint. `validFrom == 0` means no such key.
/// @dev One slot: validFrom (64) | validUntil (64) | revokedAt (64).
struct TraderKey {
    uint64 validFrom;
    uint64 validUntil;
    uint64 revokedAt;
}

/// @notice A declaration of origin as recorded when it was made: by whom, under which agreement, for goods bound to (an
/// exporter's) or coming from (an importer's) `counterpart`, and when the chain found the registration valid.
/// @dev One slot: registrationId (32) | agreementId (32) | counterpart (16) | declaredAt (64).
struct Declaration {
    uint32 registrationId;
    uint32 agreementId;
    bytes2 counterpart;
    uint64 declaredAt;
}

/// @notice Which proofs of origin an importing party accepts from an issuing party under an agreement: a bit set
/// (1 an authority's certificate of origin, 2 an exporter's declaration, 4 an importer's declaration), with validity.
/// @dev One slot: proofs (8) | validFrom (64) | validUntil (64).
struct AgreementRecognition {
    uint8 proofs;
    uint64 validFrom;
    uint64 validUntil;
}
