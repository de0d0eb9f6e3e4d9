// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IAgentAccount} from "../interfaces/IAgentAccount.sol";
import {IAgentIdentityExt} from "../interfaces/IAgentIdentityExt.sol";

/// @title AgentAccount: the per-agent contract behind an EIP-1167 clone
/// @notice Holds the card hash and the agent's income (it can be an x402 `payTo` or an escrow channel receiver),
/// answers ERC-1271 for its owner's key (so it can be the verified `agentWallet`), and records heartbeats.
/// It stores no owner: ownership is read from the identity registry, so it follows the token.
contract AgentAccount is IAgentAccount, IERC1271, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc IAgentAccount
    address public immutable identityRegistry;
    /// @inheritdoc IAgentAccount
    address public immutable factory;

    /// @dev One slot: the agent id (ids are sequential, so 216 bits never overflow) and the last heartbeat.
    uint216 private _agentId;
    uint40 private _lastHeartbeat;
    /// @inheritdoc IAgentAccount
    bytes32 public cardHash;

    modifier onlyOwner() {
        if (msg.sender != owner()) revert AgentAccountNotOwner(msg.sender);
        _;
    }

    modifier onlyOwnerOrOperator() {
        if (!IAgentIdentityExt(identityRegistry).isAuthorizedOrOwner(msg.sender, _agentId)) {
            revert AgentAccountNotAuthorized(msg.sender);
        }
        _;
    }

    /// @dev Deployed by the factory; the implementation's own storage is marked initialized forever.
    constructor(address identityRegistry_) {
        identityRegistry = identityRegistry_;
        factory = msg.sender;
        _agentId = type(uint216).max;
    }

    /// @notice Accepts ETH (for example payments or refunds in ETH).
    receive() external payable {
        emit EtherReceived(msg.sender, msg.value);
    }

    /// @inheritdoc IAgentAccount
    function initialize(uint256 agentId_, bytes32 cardHash_) external {
        if (msg.sender != factory) revert AgentAccountNotFactory(msg.sender);
        if (_agentId != 0) revert AgentAccountAlreadyInitialized();
        if (agentId_ == 0) revert AgentAccountZeroAgentId();
        _agentId = uint216(agentId_);
        _lastHeartbeat = uint40(block.timestamp);
        if (cardHash_ != bytes32(0)) cardHash = cardHash_;
        emit AgentAccountInitialized(agentId_, cardHash_);
    }

    /// @inheritdoc IAgentAccount
    function setCardHash(bytes32 newHash) external onlyOwnerOrOperator {
        emit CardHashSet(cardHash, newHash, msg.sender);
        cardHash = newHash;
    }

    /// @inheritdoc IAgentAccount
    function withdraw(address token, address to, uint256 amount) external onlyOwner nonReentrant {
        if (to == address(0)) revert AgentAccountZeroRecipient();
        emit Withdrawn(token, to, amount);
        if (token == address(0)) Address.sendValue(payable(to), amount);
        else IERC20(token).safeTransfer(to, amount);
    }

    /// @inheritdoc IAgentAccount
    function heartbeat() external onlyOwnerOrOperator {
        _lastHeartbeat = uint40(block.timestamp);
        emit Heartbeat(block.timestamp, msg.sender);
    }

    /// @inheritdoc IAgentAccount
    function agentId() external view returns (uint256) {
        return _agentId;
    }

    /// @inheritdoc IAgentAccount
    function owner() public view returns (address) {
        return IERC721(identityRegistry).ownerOf(_agentId);
    }

    /// @inheritdoc IAgentAccount
    function lastHeartbeat() external view returns (uint256) {
        return _lastHeartbeat;
    }

    /// @inheritdoc IAgentAccount
    function isActive(uint256 maxAge) external view returns (bool) {
        return block.timestamp - _lastHeartbeat <= maxAge;
    }

    /// @notice ERC-1271: valid when `signature` is the current owner's ECDSA signature of `hash`.
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(hash, signature);
        if (err == ECDSA.RecoverError.NoError && signer == owner()) return IERC1271.isValidSignature.selector;
        return 0xffffffff;
    }
}
