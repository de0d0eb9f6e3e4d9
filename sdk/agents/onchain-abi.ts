/** Human-readable ABIs of the calls the on-chain agent operations make (ERC-8004 + z402 additions). */
export const IDENTITY_ABI = [
  "function setAgentURI(uint256 agentId, string newURI)",
  "function setAgentWallet(uint256 agentId, address newWallet, uint256 deadline, bytes signature)",
  "function getAgentWallet(uint256 agentId) view returns (address)",
  "function ownerOf(uint256 agentId) view returns (address)",
  "function tokenURI(uint256 agentId) view returns (string)",
  "function totalAgents() view returns (uint256)",
  "function agentExists(uint256 agentId) view returns (bool)",
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
] as const;

export const FACTORY_ABI = [
  "function createAgent(bytes32 salt, string agentURI, bytes32 cardHash, (string metadataKey, bytes metadataValue)[] metadata) returns (uint256 agentId, address account)",
  "function predictAgentAccount(address owner, bytes32 salt) view returns (address)",
  "function agentAccountOf(uint256 agentId) view returns (address)",
  "function agentIdOf(address account) view returns (uint256)",
  "function agentCount() view returns (uint256)",
  "function agentsPage(uint256 offset, uint256 limit) view returns (uint256[] agentIds, address[] accounts)",
  "event AgentCreated(uint256 indexed agentId, address indexed account, address indexed owner, bytes32 salt)",
] as const;

export const ACCOUNT_ABI = [
  "function cardHash() view returns (bytes32)",
  "function setCardHash(bytes32 newHash)",
  "function heartbeat()",
  "function lastHeartbeat() view returns (uint256)",
  "function isActive(uint256 maxAge) view returns (bool)",
] as const;
