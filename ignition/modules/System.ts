import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import EscrowModule from "./Escrow";
import AgentsModule from "./Agents";

/**
 * The whole z402 system: the escrow with its EIP-3009 deposit collector, the three ERC-8004 registries, and the
 * agent factory wired to the identity registry. Every future keeps the name its part module gives it, so
 * `deployments/<chainId>.json` and the SDK see `escrow`, `depositCollector`, `identityRegistry`, ... No contract
 * leaves the deployer with a power over users: the factory role is set once, during this deployment.
 */
const SystemModule = buildModule("System", (m) => {
  const escrow = m.useModule(EscrowModule);
  const agents = m.useModule(AgentsModule);
  return { ...escrow, ...agents };
});

export default SystemModule;
