// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {IAgentAccount} from "../interfaces/IAgentAccount.sol";

/// @notice Test-only: makes plain (uninitialized) clones of any implementation.
contract ClonerMock {
    event Cloned(address instance);

    function clone(address implementation) external returns (address instance) {
        instance = Clones.clone(implementation);
        emit Cloned(instance);
    }
}

/// @notice Test-only ERC-20 with open minting.
contract AgentTestToken is ERC20 {
    constructor() ERC20("Agent Test Token", "ATT") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

/// @notice Test-only agent owner that re-enters `withdraw` when it receives ETH.
contract ReentrantOwnerMock is IERC721Receiver {
    IAgentAccount public account;

    function pull(IAgentAccount account_, uint256 amount) external {
        account = account_;
        account_.withdraw(address(0), address(this), amount);
    }

    receive() external payable {
        account.withdraw(address(0), address(this), msg.value);
    }

    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return IERC721Receiver.onERC721Received.selector;
    }
}

/// @notice Test-only contract that rejects ETH.
contract EtherRejectorMock {
    error NoEther();

    receive() external payable {
        revert NoEther();
    }
}

/// @notice Test-only contract that accepts any call and returns nothing.
contract SilentFallbackMock {
    fallback() external {}
}
