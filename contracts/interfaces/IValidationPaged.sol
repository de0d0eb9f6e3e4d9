// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title z402 additions to the ERC-8004 validation registry: bounded reads, agent-bound responses and errors
interface IValidationPaged {
    /// @notice The caller is not the agent's owner or operator.
    error ValidationNotAuthorized(uint256 agentId, address caller);
    /// @notice The validator address is zero.
    error ValidationZeroValidator();
    /// @notice A request with this hash exists already; `agentId` is the agent it belongs to, for good.
    error ValidationDuplicateRequest(bytes32 requestHash, uint256 agentId);
    /// @notice No request with this hash.
    error ValidationUnknownRequest(bytes32 requestHash);
    /// @notice Only the validator named in the request may respond.
    error ValidationNotValidator(bytes32 requestHash, address caller);
    /// @notice Responses are 0..100.
    error ValidationResponseOutOfRange(uint8 response);
    /// @notice A validator may raise or repeat its response, never lower it.
    error ValidationResponseDecreased(bytes32 requestHash, uint8 previous, uint8 response);
    /// @notice The identity registry address is zero.
    error ValidationZeroRegistry();
    /// @notice The validator named `agentId`, but the request belongs to `requestAgentId`.
    error ValidationWrongAgent(bytes32 requestHash, uint256 agentId, uint256 requestAgentId);

    /// @notice `validationResponse` bound to the agent the validator checked: reverts with `ValidationWrongAgent`
    /// unless the request belongs to `agentId`, so a response can never credit an agent that took the hash first.
    function validationResponseFor(
        uint256 agentId,
        bytes32 requestHash,
        uint8 response,
        string calldata responseURI,
        bytes32 responseHash,
        string calldata tag
    ) external;

    /// @notice Whether the request has received at least one response.
    function hasResponse(bytes32 requestHash) external view returns (bool);

    /// @notice Number of requests of an agent.
    function agentValidationCount(uint256 agentId) external view returns (uint256);

    /// @notice Number of requests addressed to a validator.
    function validatorRequestCount(address validatorAddress) external view returns (uint256);

    /// @notice An agent's request hashes `[offset, offset + limit)` (clamped).
    function getAgentValidationsPage(
        uint256 agentId,
        uint256 offset,
        uint256 limit
    ) external view returns (bytes32[] memory);

    /// @notice A validator's request hashes `[offset, offset + limit)` (clamped).
    function getValidatorRequestsPage(
        address validatorAddress,
        uint256 offset,
        uint256 limit
    ) external view returns (bytes32[] memory);

    /// @notice `getSummary` over the agent's requests `[offset, offset + limit)`; `truncated` when more follow.
    function getSummaryPage(
        uint256 agentId,
        address[] calldata validatorAddresses,
        string calldata tag,
        uint256 offset,
        uint256 limit
    ) external view returns (uint64 count, uint8 averageResponse, bool truncated);
}
