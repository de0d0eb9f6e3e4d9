// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title The per-agent contract (an on-chain AgentCard) created by the AgentFactory
/// @notice Its owner is always the current owner of the agent's identity token.
interface IAgentAccount {
    /// @notice Only the factory may initialize, once.
    error AgentAccountNotFactory(address caller);
    /// @notice The account (or the implementation) is initialized already.
    error AgentAccountAlreadyInitialized();
    /// @notice Agent ids start at 1.
    error AgentAccountZeroAgentId();
    /// @notice The caller is not the agent's owner.
    error AgentAccountNotOwner(address caller);
    /// @notice The caller is neither the agent's owner nor one of its operators.
    error AgentAccountNotAuthorized(address caller);
    /// @notice A zero recipient was given.
    error AgentAccountZeroRecipient();

    /// @notice Emitted once, when the factory binds the account to its agent.
    event AgentAccountInitialized(uint256 indexed agentId, bytes32 cardHash);
    /// @notice Emitted when the card hash changes.
    event CardHashSet(bytes32 previousHash, bytes32 newHash, address indexed updatedBy);
    /// @notice Emitted when the owner withdraws ETH (`token == 0`) or an ERC-20.
    event Withdrawn(address indexed token, address indexed to, uint256 amount);
    /// @notice Emitted when the account receives ETH.
    event EtherReceived(address indexed from, uint256 amount);
    /// @notice Emitted on every heartbeat.
    event Heartbeat(uint256 timestamp, address indexed by);

    /// @notice Binds the clone to `agentId`; only the factory, in the creating transaction.
    function initialize(uint256 agentId, bytes32 cardHash) external;

    /// @notice The identity registry.
    function identityRegistry() external view returns (address);

    /// @notice The factory that created (and alone may initialize) this account.
    function factory() external view returns (address);

    /// @notice The agent this account belongs to (0 before initialization).
    function agentId() external view returns (uint256);

    /// @notice The current owner of the agent's identity token.
    function owner() external view returns (address);

    /// @notice keccak256 of the canonical registration file (whose full text the agent URI serves).
    function cardHash() external view returns (bytes32);

    /// @notice Time of the last heartbeat (or of initialization).
    function lastHeartbeat() external view returns (uint256);

    /// @notice Replaces the card hash; owner or operator.
    function setCardHash(bytes32 newHash) external;

    /// @notice Sends `amount` of ETH (`token == 0`) or of an ERC-20 to `to`; owner only.
    function withdraw(address token, address to, uint256 amount) external;

    /// @notice Records liveness; owner or operator.
    function heartbeat() external;

    /// @notice Whether the last heartbeat is at most `maxAge` seconds old.
    function isActive(uint256 maxAge) external view returns (bool);
}
