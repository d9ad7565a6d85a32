// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice Lifecycle of a border agency.
enum AgencyStatus {
    None,
    Active,
    Suspended
}

/// @notice What an importing party answers about a certificate, modelled on the UN/CEFACT SPS acknowledgement's status
/// codes (received and read, accepted, accepted with remarks, rejected) and the ePhyto Hub's delivery states:
/// `Delivered` is recorded by the party's own node once it holds the payload addressed to the party.
enum Outcome {
    None,
    Acknowledged,
    Accepted,
    AcceptedWithRemarks,
    Rejected,
    Delivered
}

/// @notice A border agency of a party (its customs, its plant-protection organisation at the border).
/// @dev One slot: party (16) | status (8).
struct Agency {
    bytes2 party;
    AgencyStatus status;
}

/// @notice What a write checks about its caller, in one slot: the account's agency, its party and whether it is active.
/// @dev agencyId (32) | party (16) | active (8).
struct AgencyPermit {
    uint32 agencyId;
    bytes2 party;
    bool active;
}

/// @notice One goods item of a certificate as an importing agency declared it from the certificate: its total
/// quantity in thousandths of `unit` (a UN/ECE Recommendation 20 code, e.g. "KGM", left-aligned in 4 bytes).
struct ItemTotal {
    uint96 total;
    bytes4 unit;
}

/// @notice The use of one item by one import declaration: the item's index (from 0), the quantity in thousandths of
/// the item's unit, and the item's use before it as the sender read it (the write-off counts only against that use).
struct ItemUse {
    uint8 item;
    uint96 quantity;
    uint96 usedBefore;
}

/// @notice An item's record, one slot: total (96) | used (96) | unit (32) | issuingParty (16) | itemCount (8) = 248 bits.
/// `itemCount` is how many items the certificate has (repeated in each item's slot so one read answers "is there an
/// item `i`"); `issuingParty` is the party of the anchoring's authority, so a write-off needs no call to the ledger.
struct ItemRecord {
    uint96 total;
    uint96 used;
    bytes4 unit;
    bytes2 issuingParty;
    uint8 itemCount;
}
