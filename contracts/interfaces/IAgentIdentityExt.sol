// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC8004Identity} from "./IERC8004Identity.sol";

/// @title z402 additions to the ERC-8004 identity registry (detectable through ERC-165)
interface IAgentIdentityExt {
    /// @notice The caller may not act for this agent.
    error IdentityNotAuthorized(uint256 agentId, address caller);
    /// @notice `agentWallet` can only be changed through `setAgentWallet`.
    error IdentityReservedKey(string metadataKey);
    /// @notice The wallet signature deadline has passed.
    error IdentityDeadlineExpired(uint256 deadline, uint256 nowTimestamp);
    /// @notice The wallet signature deadline is more than `MAX_DEADLINE_DELAY` ahead.
    error IdentityDeadlineTooFar(uint256 deadline, uint256 maxDeadline);
    /// @notice The wallet signature is not valid for this wallet, agent, owner and deadline.
    error IdentityInvalidWalletSignature(address newWallet);
    /// @notice This wallet signature digest was used before.
    error IdentityWalletDigestUsed(bytes32 digest);
    /// @notice A zero address was given where one is required.
    error IdentityZeroAddress();
    /// @notice Only the factory may call `registerFor`.
    error IdentityNotFactory(address caller);
    /// @notice Only the deployer may set the factory, and only once.
    error IdentityFactoryAlreadySet(address factory);
    /// @notice Only the deployer may set the factory.
    error IdentityNotDeployer(address caller);

    /// @notice Emitted once, when the deployer names the factory.
    event FactorySet(address indexed factory);

    /// @notice Whether `spender` is the owner of `agentId` or approved for it (reverts for missing agents).
    function isAuthorizedOrOwner(address spender, uint256 agentId) external view returns (bool);

    /// @notice Number of agents registered so far (ids are `1..totalAgents()`).
    function totalAgents() external view returns (uint256);

    /// @notice Whether `agentId` exists.
    function agentExists(uint256 agentId) external view returns (bool);

    /// @notice Registers an agent owned by `to`; only the factory may call it.
    function registerFor(
        address to,
        string calldata agentURI,
        IERC8004Identity.MetadataEntry[] calldata metadata
    ) external returns (uint256 agentId);

    /// @notice The CAIP-10 style registry id, `eip155:{chainId}:{address}`.
    function agentRegistry() external view returns (string memory);

    /// @notice The factory allowed to call `registerFor` (zero until set).
    function factory() external view returns (address);

    /// @notice Names the factory; the deployer may call it once, and has no other power.
    function setFactory(address factory_) external;
}
