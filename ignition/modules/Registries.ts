import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The three ERC-8004 registries. None is upgradeable and none has an owner: the identity registry's deployer may
 * only name the agent factory, once (see the Agents module).
 */
const RegistriesModule = buildModule("Registries", (m) => {
  const identityRegistry = m.contract("IdentityRegistry", [], { id: "identityRegistry" });
  const reputationRegistry = m.contract("ReputationRegistry", [identityRegistry], {
    id: "reputationRegistry",
  });
  const validationRegistry = m.contract("ValidationRegistry", [identityRegistry], {
    id: "validationRegistry",
  });
  return { identityRegistry, reputationRegistry, validationRegistry };
});

export default RegistriesModule;
