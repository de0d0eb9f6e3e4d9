import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import RegistriesModule from "./Registries";

/**
 * The agent factory on top of the registries. The factory deploys its AgentAccount implementation itself (the
 * implementation records the factory as the only address allowed to initialize clones); `agentAccountImpl` points
 * at it. The deployer then names the factory in the identity registry, its one and only power.
 */
const AgentsModule = buildModule("Agents", (m) => {
  const registries = m.useModule(RegistriesModule);
  const { identityRegistry } = registries;
  const agentFactory = m.contract("AgentFactory", [identityRegistry], { id: "agentFactory" });
  const implementation = m.staticCall(agentFactory, "implementation", [], 0, {
    id: "agentAccountImplAddress",
  });
  const agentAccountImpl = m.contractAt("AgentAccount", implementation, { id: "agentAccountImpl" });
  m.call(identityRegistry, "setFactory", [agentFactory], { id: "setFactory" });
  return { ...registries, agentFactory, agentAccountImpl };
});

export default AgentsModule;
