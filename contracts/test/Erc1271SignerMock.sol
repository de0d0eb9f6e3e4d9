// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @notice Test-only ERC-1271 wallet: accepts signatures of `signer`, or misbehaves on demand.
contract Erc1271SignerMock {
    enum Mode {
        Honest,
        WrongMagic,
        Reverts
    }

    error MockRejects();

    address public signer;
    Mode public mode;

    constructor(address signer_) {
        signer = signer_;
    }

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (mode == Mode.Reverts) revert MockRejects();
        if (mode == Mode.WrongMagic) return 0xdeadbeef;
        (address recovered, , ) = ECDSA.tryRecover(hash, signature);
        return recovered == signer ? this.isValidSignature.selector : bytes4(0xffffffff);
    }
}
