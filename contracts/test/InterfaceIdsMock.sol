// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC8004Identity} from "../interfaces/IERC8004Identity.sol";
import {IAgentIdentityExt} from "../interfaces/IAgentIdentityExt.sol";
import {IERC8004Reputation} from "../interfaces/IERC8004Reputation.sol";
import {IReputationPaged} from "../interfaces/IReputationPaged.sol";
import {IERC8004Validation} from "../interfaces/IERC8004Validation.sol";
import {IValidationPaged} from "../interfaces/IValidationPaged.sol";

/// @notice Test-only: the ERC-165 ids of our interfaces, as the compiler computes them.
contract InterfaceIdsMock {
    bytes4 public constant IDENTITY = type(IERC8004Identity).interfaceId;
    bytes4 public constant IDENTITY_EXT = type(IAgentIdentityExt).interfaceId;
    bytes4 public constant REPUTATION = type(IERC8004Reputation).interfaceId;
    bytes4 public constant REPUTATION_PAGED = type(IReputationPaged).interfaceId;
    bytes4 public constant VALIDATION = type(IERC8004Validation).interfaceId;
    bytes4 public constant VALIDATION_PAGED = type(IValidationPaged).interfaceId;
}
