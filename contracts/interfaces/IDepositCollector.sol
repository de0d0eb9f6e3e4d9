// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IDepositCollector
/// @notice A contract the escrow asks to pull a deposit from the payer and forward it to the escrow.
/// @dev The escrow measures its own balance before and after `collect` and credits the delta, so a collector
/// cannot inflate a channel. Collectors only act for their escrow.
interface IDepositCollector {
    /// @notice The caller is not the escrow this collector serves.
    error CollectorOnlyEscrow(address caller);

    /// @notice Pulls `amount` of `token` from `payer` using `collectorData` and sends it to the escrow.
    /// @param payer The channel's payer, whose authorization is consumed.
    /// @param token The channel's token.
    /// @param amount The amount to pull.
    /// @param channelId The channel being funded; collectors bind their authorization to it.
    /// @param collectorData Collector-specific authorization data.
    function collect(
        address payer,
        address token,
        uint256 amount,
        bytes32 channelId,
        bytes calldata collectorData
    ) external;

    /// @notice The escrow this collector serves.
    function escrow() external view returns (address);
}
