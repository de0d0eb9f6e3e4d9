import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/** Z402Escrow and its EIP-3009 deposit collector. No parameters: neither contract has an owner or settings. */
const EscrowModule = buildModule("Escrow", (m) => {
  const escrow = m.contract("Z402Escrow", [], { id: "escrow" });
  const depositCollector = m.contract("ERC3009DepositCollector", [escrow], { id: "depositCollector" });
  return { escrow, depositCollector };
});

export default EscrowModule;
