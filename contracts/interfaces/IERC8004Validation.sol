// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ERC-8004 Validation Registry (draft of 2026-01-25), ABI kept exactly
interface IERC8004Validation {
    /// @notice Emitted when an agent's owner or operator asks a validator to validate a request.
    event ValidationRequest(
        address indexed validatorAddress,
        uint256 indexed agentId,
        string requestURI,
        bytes32 indexed requestHash
    );
    /// @notice Emitted for every validator response.
    event ValidationResponse(
        address indexed validatorAddress,
        uint256 indexed agentId,
        bytes32 indexed requestHash,
        uint8 response,
        string responseURI,
        bytes32 responseHash,
        string tag
    );

    /// @notice The identity registry the agent ids belong to.
    function getIdentityRegistry() external view returns (address);

    /// @notice Opens a validation request; owner or operator of the agent only; `requestHash` must be new.
    function validationRequest(
        address validatorAddress,
        uint256 agentId,
        string calldata requestURI,
        bytes32 requestHash
    ) external;

    /// @notice Records the named validator's response (0..100); may be repeated.
    function validationResponse(
        bytes32 requestHash,
        uint8 response,
        string calldata responseURI,
        bytes32 responseHash,
        string calldata tag
    ) external;

    /// @notice The stored state of a request.
    function getValidationStatus(
        bytes32 requestHash
    )
        external
        view
        returns (
            address validatorAddress,
            uint256 agentId,
            uint8 response,
            bytes32 responseHash,
            string memory tag,
            uint256 lastUpdate
        );

    /// @notice Count and average of the responded requests of an agent, optionally by validators and tag.
    function getSummary(
        uint256 agentId,
        address[] calldata validatorAddresses,
        string calldata tag
    ) external view returns (uint64 count, uint8 averageResponse);

    /// @notice Every request hash of an agent.
    function getAgentValidations(uint256 agentId) external view returns (bytes32[] memory);

    /// @notice Every request hash addressed to a validator.
    function getValidatorRequests(address validatorAddress) external view returns (bytes32[] memory);
}
