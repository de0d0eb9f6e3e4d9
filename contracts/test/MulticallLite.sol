// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title MulticallLite
/// @notice Test-only subset of Multicall3 (`tryAggregate`, `aggregate3`) with the same ABI. Interop tests place its
///         runtime code at Multicall3's canonical address, which the stock x402 facilitators read through.
/// @dev Read-only batching for a local chain; it holds no funds and has no state.
contract MulticallLite {
    /// @notice A call for `tryAggregate`.
    struct Call {
        address target;
        bytes callData;
    }

    /// @notice A call for `aggregate3`, with its own failure policy.
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    /// @notice The outcome of one call.
    struct Result {
        bool success;
        bytes returnData;
    }

    /// @notice Thrown when a call that must succeed reverts.
    /// @param index Position of the failed call in the batch.
    error MulticallLiteCallFailed(uint256 index);

    /// @notice Runs every call; reverts on the first failure only when `requireSuccess` is set.
    /// @param requireSuccess Whether any failed call reverts the batch.
    /// @param calls The calls to run, in order.
    /// @return returnData One result per call.
    function tryAggregate(
        bool requireSuccess,
        Call[] calldata calls
    ) external returns (Result[] memory returnData) {
        returnData = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; ++i) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory ret) = calls[i].target.call(calls[i].callData);
            if (requireSuccess && !ok) revert MulticallLiteCallFailed(i);
            returnData[i] = Result(ok, ret);
        }
    }

    /// @notice Runs every call; a failed call reverts the batch unless its `allowFailure` is set.
    /// @param calls The calls to run, in order.
    /// @return returnData One result per call.
    function aggregate3(Call3[] calldata calls) external returns (Result[] memory returnData) {
        returnData = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; ++i) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory ret) = calls[i].target.call(calls[i].callData);
            if (!ok && !calls[i].allowFailure) revert MulticallLiteCallFailed(i);
            returnData[i] = Result(ok, ret);
        }
    }
}
