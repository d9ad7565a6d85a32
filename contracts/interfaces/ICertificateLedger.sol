// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ILedgerParties} from "./ILedgerParties.sol";
import {ILedgerConsortium} from "./ILedgerConsortium.sol";
import {ILedgerAuthorities} from "./ILedgerAuthorities.sol";
import {ILedgerSigningKeys} from "./ILedgerSigningKeys.sol";
import {ILedgerCertificates} from "./ILedgerCertificates.sol";
import {ILedgerRecognition} from "./ILedgerRecognition.sol";

/// @title CertLedger: the whole ledger as one contract's interface.
/// @notice Parties and their consortium, issuing authorities, signing keys, certificates and batches with their
/// status, and recognition. Clients bind to this interface.
interface ICertificateLedger is
    ILedgerParties,
    ILedgerConsortium,
    ILedgerAuthorities,
    ILedgerSigningKeys,
    ILedgerCertificates,
    ILedgerRecognition
{
    /// @notice The constructor got `parties` party codes but `admins` admin accounts; they pair one to one.
    error LedgerBootstrapMismatch(uint256 parties, uint256 admins);
}
