// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721URIStorage} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721URIStorage.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {CAIP10} from "@openzeppelin/contracts/utils/CAIP10.sol";
import {IERC8004Identity} from "../interfaces/IERC8004Identity.sol";
import {IAgentIdentityExt} from "../interfaces/IAgentIdentityExt.sol";

/// @title ERC-8004 identity registry
/// @notice Agents are ERC-721 tokens with ids from 1. Not upgradeable; the deployer may name the factory once and
/// has no other power. `agentWallet` starts as the owner, changes only with a signature of the new wallet, and is
/// cleared when the agent is transferred.
contract IdentityRegistry is ERC721URIStorage, EIP712, IERC8004Identity, IAgentIdentityExt {
    /// @notice EIP-712 type of the wallet proof (as in the ERC-8004 reference).
    bytes32 public constant AGENT_WALLET_SET_TYPEHASH = keccak256(
        "AgentWalletSet(uint256 agentId,address newWallet,address owner,uint256 deadline)"
    );
    /// @notice How far ahead a wallet proof's deadline may be.
    uint256 public constant MAX_DEADLINE_DELAY = 5 minutes;
    /// @notice The reserved metadata key.
    string public constant AGENT_WALLET_KEY = "agentWallet";
    bytes32 private constant AGENT_WALLET_KEY_HASH = keccak256("agentWallet");

    /// @dev `explicitlySet == false` means "the address that minted the agent", which is the owner until the
    /// first transfer (a transfer always writes an explicit zero). Saves a storage write per registration.
    struct Wallet {
        address wallet;
        bool explicitlySet;
    }

    address private immutable _deployer;
    /// @inheritdoc IAgentIdentityExt
    address public factory;
    uint256 private _lastId;
    mapping(uint256 agentId => mapping(string key => bytes value)) private _metadata;
    mapping(uint256 agentId => Wallet) private _wallets;
    /// @notice Wallet proof digests already consumed.
    mapping(bytes32 digest => bool) public usedWalletDigests;

    modifier onlyAuthorized(uint256 agentId) {
        if (!_isAuthorized(_requireOwned(agentId), msg.sender, agentId)) {
            revert IdentityNotAuthorized(agentId, msg.sender);
        }
        _;
    }

    constructor() ERC721("AgentIdentity", "AGENT") EIP712("ERC8004IdentityRegistry", "1") {
        _deployer = msg.sender;
    }

    /// @inheritdoc IAgentIdentityExt
    function setFactory(address factory_) external {
        if (msg.sender != _deployer) revert IdentityNotDeployer(msg.sender);
        if (factory != address(0)) revert IdentityFactoryAlreadySet(factory);
        if (factory_ == address(0)) revert IdentityZeroAddress();
        factory = factory_;
        emit FactorySet(factory_);
    }

    /// @inheritdoc IERC8004Identity
    function register() external returns (uint256 agentId) {
        return _register(msg.sender, "", new MetadataEntry[](0));
    }

    /// @inheritdoc IERC8004Identity
    function register(string calldata agentURI) external returns (uint256 agentId) {
        return _register(msg.sender, agentURI, new MetadataEntry[](0));
    }

    /// @inheritdoc IERC8004Identity
    function register(
        string calldata agentURI,
        MetadataEntry[] calldata metadata
    ) external returns (uint256 agentId) {
        return _register(msg.sender, agentURI, metadata);
    }

    /// @inheritdoc IAgentIdentityExt
    function registerFor(
        address to,
        string calldata agentURI,
        MetadataEntry[] calldata metadata
    ) external returns (uint256 agentId) {
        if (msg.sender != factory) revert IdentityNotFactory(msg.sender);
        if (to == address(0)) revert IdentityZeroAddress();
        return _register(to, agentURI, metadata);
    }

    /// @inheritdoc IERC8004Identity
    function setAgentURI(uint256 agentId, string calldata newURI) external onlyAuthorized(agentId) {
        _setTokenURI(agentId, newURI);
        emit URIUpdated(agentId, newURI, msg.sender);
    }

    /// @inheritdoc IERC8004Identity
    function setMetadata(
        uint256 agentId,
        string calldata metadataKey,
        bytes calldata metadataValue
    ) external onlyAuthorized(agentId) {
        _setMetadata(agentId, metadataKey, metadataValue);
    }

    /// @inheritdoc IERC8004Identity
    function setAgentWallet(
        uint256 agentId,
        address newWallet,
        uint256 deadline,
        bytes calldata signature
    ) external onlyAuthorized(agentId) {
        if (newWallet == address(0)) revert IdentityZeroAddress();
        if (deadline < block.timestamp) revert IdentityDeadlineExpired(deadline, block.timestamp);
        if (deadline > block.timestamp + MAX_DEADLINE_DELAY) {
            revert IdentityDeadlineTooFar(deadline, block.timestamp + MAX_DEADLINE_DELAY);
        }
        bytes32 digest = walletDigest(agentId, newWallet, _ownerOf(agentId), deadline);
        if (usedWalletDigests[digest]) revert IdentityWalletDigestUsed(digest);
        if (!SignatureChecker.isValidSignatureNow(newWallet, digest, signature)) {
            revert IdentityInvalidWalletSignature(newWallet);
        }
        usedWalletDigests[digest] = true;
        _setWallet(agentId, newWallet);
    }

    /// @inheritdoc IERC8004Identity
    function unsetAgentWallet(uint256 agentId) external onlyAuthorized(agentId) {
        _setWallet(agentId, address(0));
    }

    /// @inheritdoc IERC8004Identity
    function getAgentWallet(uint256 agentId) public view returns (address) {
        address owner = _requireOwned(agentId);
        Wallet storage w = _wallets[agentId];
        return w.explicitlySet ? w.wallet : owner;
    }

    /// @inheritdoc IERC8004Identity
    function getMetadata(uint256 agentId, string calldata metadataKey) external view returns (bytes memory) {
        if (keccak256(bytes(metadataKey)) == AGENT_WALLET_KEY_HASH) {
            address wallet = getAgentWallet(agentId);
            return wallet == address(0) ? bytes("") : abi.encodePacked(wallet);
        }
        return _metadata[agentId][metadataKey];
    }

    /// @notice The EIP-712 digest a new wallet signs to become `agentId`'s wallet.
    function walletDigest(
        uint256 agentId,
        address newWallet,
        address owner,
        uint256 deadline
    ) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(abi.encode(AGENT_WALLET_SET_TYPEHASH, agentId, newWallet, owner, deadline))
            );
    }

    /// @inheritdoc IAgentIdentityExt
    function isAuthorizedOrOwner(address spender, uint256 agentId) external view returns (bool) {
        return _isAuthorized(_requireOwned(agentId), spender, agentId);
    }

    /// @inheritdoc IAgentIdentityExt
    function totalAgents() external view returns (uint256) {
        return _lastId;
    }

    /// @inheritdoc IAgentIdentityExt
    function agentExists(uint256 agentId) external view returns (bool) {
        return _ownerOf(agentId) != address(0);
    }

    /// @inheritdoc IAgentIdentityExt
    function agentRegistry() external view returns (string memory) {
        return CAIP10.local(address(this));
    }

    /// @notice ERC-165: ERC-721 (+ metadata, ERC-4906), ERC-8004 identity and our extension.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return
            interfaceId == type(IERC8004Identity).interfaceId ||
            interfaceId == type(IAgentIdentityExt).interfaceId ||
            super.supportsInterface(interfaceId);
    }

    function _register(
        address to,
        string memory agentURI,
        MetadataEntry[] memory metadata
    ) private returns (uint256 agentId) {
        agentId = ++_lastId;
        // `_mint`, not `_safeMint`: no receiver callback, so registration cannot be re-entered.
        _mint(to, agentId);
        if (bytes(agentURI).length != 0) _setTokenURI(agentId, agentURI);
        emit MetadataSet(agentId, AGENT_WALLET_KEY, AGENT_WALLET_KEY, abi.encodePacked(to));
        for (uint256 i; i < metadata.length; ++i) {
            _setMetadata(agentId, metadata[i].metadataKey, metadata[i].metadataValue);
        }
        emit Registered(agentId, agentURI, to);
    }

    function _setMetadata(uint256 agentId, string memory key, bytes memory value) private {
        if (keccak256(bytes(key)) == AGENT_WALLET_KEY_HASH) revert IdentityReservedKey(key);
        _metadata[agentId][key] = value;
        emit MetadataSet(agentId, key, key, value);
    }

    function _setWallet(uint256 agentId, address wallet) private {
        _wallets[agentId] = Wallet(wallet, true);
        emit MetadataSet(
            agentId,
            AGENT_WALLET_KEY,
            AGENT_WALLET_KEY,
            wallet == address(0) ? bytes("") : abi.encodePacked(wallet)
        );
    }

    /// @dev Clears the wallet on every transfer between two holders (not on mint).
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        from = super._update(to, tokenId, auth);
        if (from != address(0)) _setWallet(tokenId, address(0));
    }
}
