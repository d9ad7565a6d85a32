// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ICertificateLedger} from "./interfaces/ICertificateLedger.sol";
import {LedgerParties} from "./ledger/LedgerParties.sol";
import {LedgerConsortium} from "./ledger/LedgerConsortium.sol";
import {LedgerAuthorities} from "./ledger/LedgerAuthorities.sol";
import {LedgerSigningKeys} from "./ledger/LedgerSigningKeys.sol";
import {LedgerCertificates} from "./ledger/LedgerCertificates.sol";
import {LedgerRecognition} from "./ledger/LedgerRecognition.sol";

/// @title CertLedger: the trust ledger for cross-border trade certificates.
/// @notice One contract so that anchoring reads the authority and its party without an external call
/// (each would cost 2,600 gas more); each concern lives in its own module under `ledger/`.
contract CertificateLedger is
    LedgerParties,
    LedgerConsortium,
    LedgerAuthorities,
    LedgerSigningKeys,
    LedgerCertificates,
    LedgerRecognition,
    ICertificateLedger
{
    /// @notice The deployer bootstraps the first `parties`, each with its first admin (`admins[i]` for `parties[i]`),
    /// and the consortium's vote `threshold`; afterwards only consortium votes admit parties.
    /// @param proposalLifetime How long a consortium proposal stays open, in seconds.
    constructor(
        bytes2[] memory parties,
        address[] memory admins,
        uint8 threshold,
        uint64 proposalLifetime
    ) LedgerConsortium(proposalLifetime) {
        if (parties.length != admins.length) revert LedgerBootstrapMismatch(parties.length, admins.length);
        for (uint256 i = 0; i < parties.length; ++i) {
            _admitParty(parties[i], admins[i]);
        }
        _setThreshold(threshold);
    }
}
