// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ERC-8004 Reputation Registry (draft of 2026-01-25), ABI kept exactly
interface IERC8004Reputation {
    /// @notice Emitted for every feedback; `feedbackIndex` is 1-based per (agent, client).
    event NewFeedback(
        uint256 indexed agentId,
        address indexed clientAddress,
        uint64 feedbackIndex,
        int128 value,
        uint8 valueDecimals,
        string indexed indexedTag1,
        string tag1,
        string tag2,
        string endpoint,
        string feedbackURI,
        bytes32 feedbackHash
    );
    /// @notice Emitted when a client revokes its feedback.
    event FeedbackRevoked(
        uint256 indexed agentId,
        address indexed clientAddress,
        uint64 indexed feedbackIndex
    );
    /// @notice Emitted when anyone appends a response to a feedback.
    event ResponseAppended(
        uint256 indexed agentId,
        address indexed clientAddress,
        uint64 feedbackIndex,
        address indexed responder,
        string responseURI,
        bytes32 responseHash
    );

    /// @notice The identity registry the agent ids belong to.
    function getIdentityRegistry() external view returns (address);

    /// @notice Gives feedback to an agent; the agent's owner and operators may not.
    function giveFeedback(
        uint256 agentId,
        int128 value,
        uint8 valueDecimals,
        string calldata tag1,
        string calldata tag2,
        string calldata endpoint,
        string calldata feedbackURI,
        bytes32 feedbackHash
    ) external;

    /// @notice Revokes the caller's own feedback.
    function revokeFeedback(uint256 agentId, uint64 feedbackIndex) external;

    /// @notice Appends a response (for example a refund note) to a feedback; anyone may respond.
    function appendResponse(
        uint256 agentId,
        address clientAddress,
        uint64 feedbackIndex,
        string calldata responseURI,
        bytes32 responseHash
    ) external;

    /// @notice Average of the non-revoked feedback of the given clients (must be non-empty), optionally by tags.
    function getSummary(
        uint256 agentId,
        address[] calldata clientAddresses,
        string calldata tag1,
        string calldata tag2
    ) external view returns (uint64 count, int128 summaryValue, uint8 summaryValueDecimals);

    /// @notice One stored feedback.
    function readFeedback(
        uint256 agentId,
        address clientAddress,
        uint64 feedbackIndex
    )
        external
        view
        returns (int128 value, uint8 valueDecimals, string memory tag1, string memory tag2, bool isRevoked);

    /// @notice All matching feedback of the given clients (all clients when the list is empty).
    function readAllFeedback(
        uint256 agentId,
        address[] calldata clientAddresses,
        string calldata tag1,
        string calldata tag2,
        bool includeRevoked
    )
        external
        view
        returns (
            address[] memory clients,
            uint64[] memory feedbackIndexes,
            int128[] memory values,
            uint8[] memory valueDecimals,
            string[] memory tag1s,
            string[] memory tag2s,
            bool[] memory revokedStatuses
        );

    /// @notice Number of responses; zero `clientAddress` means all clients, zero `feedbackIndex` all feedback,
    /// an empty `responders` list all responders.
    function getResponseCount(
        uint256 agentId,
        address clientAddress,
        uint64 feedbackIndex,
        address[] calldata responders
    ) external view returns (uint64);

    /// @notice Every client that ever gave feedback to the agent, in first-feedback order.
    function getClients(uint256 agentId) external view returns (address[] memory);

    /// @notice The last feedback index of a client for an agent (0 when none).
    function getLastIndex(uint256 agentId, address clientAddress) external view returns (uint64);
}
