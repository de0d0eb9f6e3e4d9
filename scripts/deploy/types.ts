/**
 * The shape of `deployments/<chainId>.json`, written by `scripts/deploy.ts` and read by the SDK's deployments loader.
 * Addresses are checksummed; block numbers are plain numbers; every field is derived from the chain or the journal,
 * so re-running a finished deployment writes the same file.
 */
export interface DeploymentRecord {
  /** Format version of this file. */
  schema: 1;
  chainId: number;
  /** CAIP-2 network id, e.g. `eip155:84532`. */
  network: string;
  /** The Ignition deployment id (its journal lives in `ignition/deployments/<deploymentId>/`). */
  deploymentId: string;
  /** The Ignition module that was deployed. */
  module: string;
  /** The first block holding one of these contracts: where log indexers start. */
  startBlock: number;
  /** ISO time of `startBlock`. */
  deployedAt: string;
  /** The repository commit the deployment was made from, and whether the tree had uncommitted changes. */
  git: { commit: string | null; dirty: boolean };
  /** Compiler of every deployed contract (one entry: all contracts share these settings). */
  compiler: CompilerSettings;
  /** Deployed contracts by the module's result names (`escrow`, `identityRegistry`, ...). */
  contracts: Record<string, DeployedContract>;
  /** Calls made by the deployment after the contracts were created (role grants and the like). */
  calls: DeploymentCall[];
}

export interface CompilerSettings {
  solc: string;
  optimizer: { enabled: boolean; runs: number };
  evmVersion: string;
  viaIR: boolean;
}

export interface DeployedContract {
  contractName: string;
  sourceName: string;
  address: string;
  /** The Ignition future that created it. */
  futureId: string;
  transactionHash: string;
  blockNumber: number;
  /** Set when another future's deployment created this contract (e.g. the factory's AgentAccount implementation). */
  createdBy?: string;
}

export interface DeploymentCall {
  futureId: string;
  transactionHash: string;
  blockNumber: number;
}
