// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ERC-8004 Identity Registry (draft of 2026-01-25), ABI kept exactly
/// @notice Agents are ERC-721 tokens: `agentId` is the token id and the agent URI is its token URI, pointing to an
/// ERC-8004 registration file. Our own additions live in {IAgentIdentityExt}.
interface IERC8004Identity {
    /// @notice One on-chain metadata entry.
    struct MetadataEntry {
        string metadataKey;
        bytes metadataValue;
    }

    /// @notice Emitted once per registration, after the mint and the metadata events.
    event Registered(uint256 indexed agentId, string agentURI, address indexed owner);
    /// @notice Emitted whenever a metadata value (including the reserved `agentWallet`) changes.
    event MetadataSet(
        uint256 indexed agentId,
        string indexed indexedMetadataKey,
        string metadataKey,
        bytes metadataValue
    );
    /// @notice Emitted when the agent URI changes.
    event URIUpdated(uint256 indexed agentId, string newURI, address indexed updatedBy);

    /// @notice Registers a new agent owned by the caller, without a URI.
    function register() external returns (uint256 agentId);

    /// @notice Registers a new agent owned by the caller with `agentURI`.
    function register(string calldata agentURI) external returns (uint256 agentId);

    /// @notice Registers a new agent owned by the caller with `agentURI` and initial metadata.
    function register(
        string calldata agentURI,
        MetadataEntry[] calldata metadata
    ) external returns (uint256 agentId);

    /// @notice Replaces the agent URI; owner or operator only.
    function setAgentURI(uint256 agentId, string calldata newURI) external;

    /// @notice Reads one metadata value (`agentWallet` returns the 20-byte packed wallet, or empty).
    function getMetadata(uint256 agentId, string calldata metadataKey) external view returns (bytes memory);

    /// @notice Writes one metadata value; owner or operator only; the `agentWallet` key is reserved.
    function setMetadata(uint256 agentId, string calldata metadataKey, bytes calldata metadataValue) external;

    /// @notice Sets the agent's payment wallet, proven by an EIP-712 `AgentWalletSet` signature of `newWallet`.
    function setAgentWallet(
        uint256 agentId,
        address newWallet,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice The agent's payment wallet, or zero when none is set.
    function getAgentWallet(uint256 agentId) external view returns (address);

    /// @notice Clears the agent's payment wallet; owner or operator only.
    function unsetAgentWallet(uint256 agentId) external;
}
