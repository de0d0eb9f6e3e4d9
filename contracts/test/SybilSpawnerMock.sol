// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC8004Reputation} from "../interfaces/IERC8004Reputation.sol";

/// @notice Test-only: one throw-away contract per fake client; its constructor gives one feedback.
contract SybilClientMock {
    constructor(IERC8004Reputation reputation, uint256 agentId, int128 value) {
        reputation.giveFeedback(agentId, value, 0, "", "", "", "", bytes32(0));
    }
}

/// @notice Test-only: creates `count` fresh feedback-giving addresses in one transaction.
contract SybilSpawnerMock {
    function spawn(IERC8004Reputation reputation, uint256 agentId, uint256 count, int128 value) external {
        for (uint256 i; i < count; ++i) new SybilClientMock(reputation, agentId, value);
    }
}
