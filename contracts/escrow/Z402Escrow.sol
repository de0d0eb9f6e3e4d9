// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";
import {IZ402Escrow} from "../interfaces/IZ402Escrow.sol";
import {IDepositCollector} from "../interfaces/IDepositCollector.sol";
import {EscrowClaims} from "./EscrowClaims.sol";
import {EscrowHash} from "./libraries/EscrowHash.sol";

/// @title Z402Escrow
/// @notice Pay-per-request escrow: a payer funds a channel once, signs a cumulative voucher per request, and the
/// receiver claims many vouchers in one transaction. Wire- and ABI-compatible with x402 `batch-settlement`.
/// @dev No owner, no fee, no upgrade path. Every token-moving function is `nonReentrant` and follows
/// checks-effects-interactions, except `deposit`, which must measure the balance delta around the pull.
contract Z402Escrow is EscrowClaims, Multicall {
    using SafeERC20 for IERC20;

    /// @inheritdoc IZ402Escrow
    function deposit(
        ChannelConfig calldata config,
        uint128 amount,
        address collector,
        bytes calldata collectorData
    ) external nonReentrant {
        if (
            config.payer == address(0) ||
            config.receiver == address(0) ||
            config.receiverAuthorizer == address(0) ||
            config.token == address(0)
        ) revert EscrowZeroAddress();
        uint40 delay = config.withdrawDelay;
        if (delay < MIN_WITHDRAW_DELAY || delay > MAX_WITHDRAW_DELAY)
            revert EscrowWithdrawDelayOutOfRange(delay);
        if (amount == 0) revert EscrowZeroAmount();
        bytes32 channelId = _channelId(config);

        IERC20 token = IERC20(config.token);
        uint256 balanceBefore = token.balanceOf(address(this));
        if (collector == address(0)) {
            token.safeTransferFrom(msg.sender, address(this), amount);
        } else {
            IDepositCollector(collector).collect(
                config.payer,
                address(token),
                amount,
                channelId,
                collectorData
            );
        }
        uint256 received = token.balanceOf(address(this)) - balanceBefore;
        if (received == 0) revert EscrowNothingReceived(channelId);

        ChannelState storage ch = channels[channelId];
        uint128 oldBalance = ch.balance;
        uint256 newBalance = uint256(oldBalance) + received;
        if (newBalance > type(uint128).max)
            revert EscrowAmountTooLarge(channelId, received, type(uint128).max);
        ch.balance = uint128(newBalance);
        if (oldBalance == 0 && ch.totalClaimed == 0) emit ChannelCreated(channelId, config);
        emit Deposited(channelId, msg.sender, uint128(received), uint128(newBalance));
    }

    /// @inheritdoc IZ402Escrow
    function settle(address receiver, address token) external nonReentrant {
        ReceiverState storage r = receivers[receiver][token];
        uint128 claimed = r.totalClaimed;
        uint128 amount = claimed - r.totalSettled;
        if (amount == 0) return;
        r.totalSettled = claimed;
        emit Settled(receiver, token, msg.sender, amount);
        IERC20(token).safeTransfer(receiver, amount);
    }

    /// @inheritdoc IZ402Escrow
    function initiateWithdraw(ChannelConfig calldata config, uint128 amount) external {
        bytes32 channelId = _channelId(config);
        _requirePayerSide(config, channelId);
        if (amount == 0) revert EscrowZeroAmount();
        ChannelState memory ch = channels[channelId];
        uint128 available = ch.balance - ch.totalClaimed;
        if (amount > available) revert EscrowAmountTooLarge(channelId, amount, available);
        uint40 now40 = uint40(block.timestamp);
        pendingWithdrawals[channelId] = WithdrawalRequest(amount, now40);
        emit WithdrawInitiated(channelId, amount, now40);
    }

    /// @inheritdoc IZ402Escrow
    function finalizeWithdraw(ChannelConfig calldata config) external nonReentrant {
        bytes32 channelId = _channelId(config);
        _requirePayerSide(config, channelId);
        WithdrawalRequest memory request = pendingWithdrawals[channelId];
        if (request.amount == 0) revert EscrowNoPendingWithdrawal(channelId);
        uint256 readyAt = uint256(request.initiatedAt) + config.withdrawDelay;
        if (block.timestamp < readyAt) revert EscrowWithdrawNotReady(channelId, readyAt);
        delete pendingWithdrawals[channelId];

        ChannelState storage ch = channels[channelId];
        uint128 claimed = ch.totalClaimed;
        uint128 available = ch.balance - claimed;
        uint128 amount = request.amount < available ? request.amount : available;
        ch.balance -= amount;
        emit WithdrawFinalized(channelId, amount);
        if (amount == available) emit ChannelClosed(channelId);
        if (amount != 0) IERC20(config.token).safeTransfer(config.payer, amount);
    }

    /// @inheritdoc IZ402Escrow
    function refund(ChannelConfig calldata config, uint128 amount) external nonReentrant {
        bytes32 channelId = _channelId(config);
        _requireReceiverSide(config, channelId);
        _refund(config, channelId, amount, refundNonce[channelId]);
    }

    /// @inheritdoc IZ402Escrow
    function refundWithSignature(
        ChannelConfig calldata config,
        uint128 amount,
        uint256 nonce,
        bytes calldata receiverAuthorizerSignature
    ) external nonReentrant {
        bytes32 channelId = _channelId(config);
        uint256 expected = refundNonce[channelId];
        if (nonce != expected) revert EscrowInvalidRefundNonce(channelId, expected, nonce);
        bytes32 digest = _hashTypedDataV4(EscrowHash.hashRefund(channelId, nonce, amount));
        address authorizer = config.receiverAuthorizer;
        if (!_isValidSignatureNow(authorizer, digest, receiverAuthorizerSignature)) {
            revert EscrowInvalidAuthorizerSignature(authorizer);
        }
        _refund(config, channelId, amount, nonce);
    }

    /// @dev Consumes refund nonce `nonce`, then returns up to `amount` of the unclaimed remainder to the payer and
    /// lowers a pending withdrawal that no longer fits.
    function _refund(
        ChannelConfig calldata config,
        bytes32 channelId,
        uint128 amount,
        uint256 nonce
    ) private {
        refundNonce[channelId] = nonce + 1;
        ChannelState storage ch = channels[channelId];
        uint128 available = ch.balance - ch.totalClaimed;
        uint128 paid = amount < available ? amount : available;
        ch.balance -= paid;
        uint128 left = available - paid;
        WithdrawalRequest storage request = pendingWithdrawals[channelId];
        if (request.amount > left) {
            request.amount = left;
            emit WithdrawReduced(channelId, left);
        }
        emit Refunded(channelId, msg.sender, paid, nonce);
        if (paid != 0) {
            if (left == 0) emit ChannelClosed(channelId);
            IERC20(config.token).safeTransfer(config.payer, paid);
        }
    }
}
