/**
 * Event and view fragments the discovery layer reads. They follow ERC-8004 (draft 2026-01-25), the z402
 * AgentFactory / AgentAccount and the Z402Escrow interfaces; only what the indexer and reputation need.
 */
export const IDENTITY_EVENTS = [
  "event Registered(uint256 indexed agentId, string agentURI, address indexed owner)",
  "event URIUpdated(uint256 indexed agentId, string newURI, address indexed updatedBy)",
  "event MetadataSet(uint256 indexed agentId, string indexed indexedMetadataKey, string metadataKey, bytes metadataValue)",
  "event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)",
] as const;

export const FACTORY_EVENTS = [
  "event AgentCreated(uint256 indexed agentId, address indexed account, address indexed owner, bytes32 salt)",
] as const;

export const REPUTATION_EVENTS = [
  "event NewFeedback(uint256 indexed agentId, address indexed clientAddress, uint64 feedbackIndex, int128 value, uint8 valueDecimals, string indexed indexedTag1, string tag1, string tag2, string endpoint, string feedbackURI, bytes32 feedbackHash)",
  "event FeedbackRevoked(uint256 indexed agentId, address indexed clientAddress, uint64 indexed feedbackIndex)",
] as const;

export const ESCROW_EVENTS = [
  "event ChannelCreated(bytes32 indexed channelId, (address payer, address payerAuthorizer, address receiver, address receiverAuthorizer, address token, uint40 withdrawDelay, bytes32 salt) config)",
  "event Claimed(bytes32 indexed channelId, address indexed sender, uint128 amount, uint128 totalClaimed)",
  "event ClaimedPacked(address indexed receiver, address indexed token, address indexed sender, bytes claims)",
] as const;

export const REPUTATION_VIEWS = [
  "function getSummary(uint256 agentId, address[] clientAddresses, string tag1, string tag2) view returns (uint64 count, int128 summaryValue, uint8 summaryValueDecimals)",
] as const;

export const IDENTITY_VIEWS = [
  "function isAuthorizedOrOwner(address spender, uint256 agentId) view returns (bool)",
] as const;

export const ACCOUNT_VIEWS = ["function cardHash() view returns (bytes32)"] as const;
