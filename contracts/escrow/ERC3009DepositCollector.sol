// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IDepositCollector} from "../interfaces/IDepositCollector.sol";
import {IERC3009} from "../interfaces/IERC3009.sol";

/// @title ERC3009DepositCollector
/// @notice Funds escrow channels from a payer's EIP-3009 `ReceiveWithAuthorization` signature, so a payer deposits
/// without a transaction or an approval.
/// @dev `collectorData = abi.encode(uint256 validAfter, uint256 validBefore, uint256 salt, bytes signature)` and the
/// authorization nonce is `keccak256(abi.encode(channelId, salt))`, as in the x402 batch-settlement binding. The
/// authorization names this collector as `to` and only the escrow may call `collect`, so a front-runner can only
/// make the same deposit into the same channel.
contract ERC3009DepositCollector is IDepositCollector {
    using SafeERC20 for IERC20;

    /// @inheritdoc IDepositCollector
    address public immutable escrow;

    /// @param escrow_ The escrow this collector serves.
    constructor(address escrow_) {
        escrow = escrow_;
    }

    /// @inheritdoc IDepositCollector
    function collect(
        address payer,
        address token,
        uint256 amount,
        bytes32 channelId,
        bytes calldata collectorData
    ) external {
        if (msg.sender != escrow) revert CollectorOnlyEscrow(msg.sender);
        (uint256 validAfter, uint256 validBefore, uint256 salt, bytes memory signature) = abi.decode(
            collectorData,
            (uint256, uint256, uint256, bytes)
        );
        bytes32 nonce = keccak256(abi.encode(channelId, salt));
        IERC3009(token).receiveWithAuthorization(
            payer,
            address(this),
            amount,
            validAfter,
            validBefore,
            nonce,
            signature
        );
        IERC20(token).safeTransfer(msg.sender, amount);
    }
}
