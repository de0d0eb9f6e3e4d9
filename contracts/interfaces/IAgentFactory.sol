// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC8004Identity} from "./IERC8004Identity.sol";

/// @title Creates an ERC-8004 agent and its deterministic AgentAccount in one transaction
interface IAgentFactory {
    /// @notice The caller already used this salt (its account exists).
    error AgentFactoryAccountExists(address account);
    /// @notice `agentAccount` is written by the factory itself.
    error AgentFactoryReservedKey(string metadataKey);
    /// @notice The identity registry address is zero.
    error AgentFactoryZeroRegistry();

    /// @notice Emitted for every agent the factory creates.
    event AgentCreated(uint256 indexed agentId, address indexed account, address indexed owner, bytes32 salt);

    /// @notice The AgentAccount implementation the clones delegate to.
    function implementation() external view returns (address);

    /// @notice The identity registry the factory registers agents in.
    function identityRegistry() external view returns (address);

    /// @notice Clones an AgentAccount at `predictAgentAccount(msg.sender, salt)`, registers the agent for the caller
    /// with `metadata` plus `agentAccount` = the account address, and binds the account to the new agent id.
    function createAgent(
        bytes32 salt,
        string calldata agentURI,
        bytes32 cardHash,
        IERC8004Identity.MetadataEntry[] calldata metadata
    ) external returns (uint256 agentId, address account);

    /// @notice The account address `owner` gets for `salt` (the salt is bound to the caller).
    function predictAgentAccount(address owner, bytes32 salt) external view returns (address);

    /// @notice The account of an agent created here (zero otherwise).
    function agentAccountOf(uint256 agentId) external view returns (address);

    /// @notice The agent id of an account created here (zero otherwise).
    function agentIdOf(address account) external view returns (uint256);

    /// @notice Number of agents created here.
    function agentCount() external view returns (uint256);

    /// @notice Agents `[offset, offset + limit)` in creation order (clamped).
    function agentsPage(
        uint256 offset,
        uint256 limit
    ) external view returns (uint256[] memory agentIds, address[] memory accounts);
}
