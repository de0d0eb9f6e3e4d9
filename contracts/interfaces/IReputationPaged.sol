// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title z402 additions to the ERC-8004 reputation registry: bounded reads and errors
interface IReputationPaged {
    /// @notice The agent does not exist in the identity registry.
    error ReputationUnknownAgent(uint256 agentId);
    /// @notice The agent's owner or an operator tried to rate it.
    error ReputationSelfFeedback(uint256 agentId, address caller);
    /// @notice `valueDecimals` is above 18.
    error ReputationDecimalsTooLarge(uint8 valueDecimals);
    /// @notice `|value|` is above 1e38.
    error ReputationValueOutOfRange(int128 value);
    /// @notice No feedback at this index.
    error ReputationFeedbackNotFound(uint256 agentId, address clientAddress, uint64 feedbackIndex);
    /// @notice The feedback was revoked already.
    error ReputationAlreadyRevoked(uint256 agentId, address clientAddress, uint64 feedbackIndex);
    /// @notice `getSummary` needs a non-empty client list (ERC-8004 anti-Sybil rule).
    error ReputationClientsRequired();
    /// @notice The average, rescaled to the most frequent decimals, does not fit an int128.
    error ReputationSummaryOverflow(int256 averageWad, uint8 decimals);
    /// @notice The identity registry address is zero.
    error ReputationZeroRegistry();

    /// @notice One page of a client's feedback.
    struct FeedbackPage {
        uint64[] feedbackIndexes;
        int128[] feedbackValues;
        uint8[] valueDecimals;
        string[] tag1s;
        string[] tag2s;
        bool[] revokedStatuses;
    }

    /// @notice Number of distinct clients of an agent.
    function clientCount(uint256 agentId) external view returns (uint256);

    /// @notice Clients `[offset, offset + limit)` in first-feedback order (clamped to the list).
    function getClientsPage(
        uint256 agentId,
        uint256 offset,
        uint256 limit
    ) external view returns (address[] memory);

    /// @notice A client's feedback with indexes `[fromIndex, fromIndex + limit)` (clamped; index 0 reads as 1).
    function readFeedbackPage(
        uint256 agentId,
        address clientAddress,
        uint64 fromIndex,
        uint64 limit
    ) external view returns (FeedbackPage memory page);

    /// @notice `getSummary` restricted to each client's feedback indexes `[fromIndex, fromIndex + maxItems)`;
    /// `truncated` is true when some client has feedback beyond that window.
    function getSummaryPage(
        uint256 agentId,
        address[] calldata clientAddresses,
        string calldata tag1,
        string calldata tag2,
        uint64 fromIndex,
        uint64 maxItems
    ) external view returns (uint64 count, int128 summaryValue, uint8 summaryValueDecimals, bool truncated);
}
