import { AgentCardBuilder } from "../../../../sdk/agents";
import type { Address } from "../../../../sdk/agents";

export const TOKEN = "0x036cbd53842c5426634e7929541ec2318f3dcf7e";

/** A small agent description; `i` varies name, skill, tag and price. */
export function agentBuilder(i: number, payTo: string, opts: { price?: bigint; active?: boolean } = {}) {
  const skill = i % 2 === 0 ? "translate" : "forecast";
  return new AgentCardBuilder({ name: `Agent ${i}`, description: `Agent number ${i}`, version: "1.0.0" })
    .addInterface(`https://agent${i}.example/a2a`)
    .addSkill({
      id: skill,
      name: skill === "translate" ? "Translate" : "Forecast",
      description: "d",
      tags: [skill, `t${i % 5}`],
    })
    .withX402([
      {
        scheme: "batch-settlement",
        network: "eip155:31337",
        asset: TOKEN as Address,
        payTo: payTo as Address,
        amount: (opts.price ?? BigInt(100 + i)).toString(),
      },
    ])
    .active(opts.active ?? true);
}
