// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IERC8004Identity} from "../interfaces/IERC8004Identity.sol";
import {IAgentIdentityExt} from "../interfaces/IAgentIdentityExt.sol";
import {IAgentFactory} from "../interfaces/IAgentFactory.sol";
import {IAgentAccount} from "../interfaces/IAgentAccount.sol";
import {AgentAccount} from "./AgentAccount.sol";
import {Paging} from "../identity/Paging.sol";

/// @title AgentFactory: one transaction creates an ERC-8004 agent and its deterministic AgentAccount
/// @notice The CREATE2 salt is `keccak256(abi.encode(caller, salt))`, so nobody can take the address another caller
/// predicted. No admin: the factory holds no funds and has no privileged function.
contract AgentFactory is IAgentFactory {
    /// @notice The metadata key under which the factory records each agent's account.
    string public constant AGENT_ACCOUNT_KEY = "agentAccount";
    bytes32 private constant AGENT_ACCOUNT_KEY_HASH = keccak256("agentAccount");

    /// @inheritdoc IAgentFactory
    address public immutable implementation;
    /// @inheritdoc IAgentFactory
    address public immutable identityRegistry;

    address[] private _accounts;
    mapping(uint256 agentId => address) private _accountOf;

    constructor(address identityRegistry_) {
        if (identityRegistry_ == address(0)) revert AgentFactoryZeroRegistry();
        identityRegistry = identityRegistry_;
        implementation = address(new AgentAccount(identityRegistry_));
    }

    /// @inheritdoc IAgentFactory
    function createAgent(
        bytes32 salt,
        string calldata agentURI,
        bytes32 cardHash,
        IERC8004Identity.MetadataEntry[] calldata metadata
    ) external returns (uint256 agentId, address account) {
        bytes32 boundSalt = _boundSalt(msg.sender, salt);
        account = Clones.predictDeterministicAddress(implementation, boundSalt);
        if (account.code.length != 0) revert AgentFactoryAccountExists(account);
        Clones.cloneDeterministic(implementation, boundSalt);
        agentId = IAgentIdentityExt(identityRegistry).registerFor(
            msg.sender,
            agentURI,
            _withAccount(metadata, account)
        );
        IAgentAccount(account).initialize(agentId, cardHash);
        _accounts.push(account);
        _accountOf[agentId] = account;
        emit AgentCreated(agentId, account, msg.sender, salt);
    }

    /// @inheritdoc IAgentFactory
    function predictAgentAccount(address owner, bytes32 salt) external view returns (address) {
        return Clones.predictDeterministicAddress(implementation, _boundSalt(owner, salt));
    }

    /// @inheritdoc IAgentFactory
    function agentAccountOf(uint256 agentId) external view returns (address) {
        return _accountOf[agentId];
    }

    /// @inheritdoc IAgentFactory
    function agentIdOf(address account) external view returns (uint256) {
        if (account.code.length == 0) return 0;
        (bool ok, bytes memory data) = account.staticcall(abi.encodeCall(IAgentAccount.agentId, ()));
        if (!ok || data.length != 32) return 0;
        uint256 id = abi.decode(data, (uint256));
        return _accountOf[id] == account ? id : 0;
    }

    /// @inheritdoc IAgentFactory
    function agentCount() external view returns (uint256) {
        return _accounts.length;
    }

    /// @inheritdoc IAgentFactory
    function agentsPage(
        uint256 offset,
        uint256 limit
    ) external view returns (uint256[] memory agentIds, address[] memory accounts) {
        accounts = Paging.page(_accounts, offset, limit);
        agentIds = new uint256[](accounts.length);
        for (uint256 i; i < accounts.length; ++i) agentIds[i] = IAgentAccount(accounts[i]).agentId();
    }

    function _boundSalt(address owner, bytes32 salt) private pure returns (bytes32) {
        return keccak256(abi.encode(owner, salt));
    }

    /// @dev The caller's metadata plus `agentAccount` = the packed account address; the key is reserved.
    function _withAccount(
        IERC8004Identity.MetadataEntry[] calldata metadata,
        address account
    ) private pure returns (IERC8004Identity.MetadataEntry[] memory all) {
        uint256 n = metadata.length;
        all = new IERC8004Identity.MetadataEntry[](n + 1);
        for (uint256 i; i < n; ++i) {
            if (keccak256(bytes(metadata[i].metadataKey)) == AGENT_ACCOUNT_KEY_HASH) {
                revert AgentFactoryReservedKey(metadata[i].metadataKey);
            }
            all[i] = metadata[i];
        }
        all[n] = IERC8004Identity.MetadataEntry(AGENT_ACCOUNT_KEY, abi.encodePacked(account));
    }
}
