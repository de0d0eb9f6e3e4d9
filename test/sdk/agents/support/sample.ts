import { AgentCardBuilder } from "../../../../sdk/agents";
import type { Address } from "../../../../sdk/agents";

export const USDC = "0x036CbD53842c5426634e7929541eC2318f3dCF7e" as Address;
export const PAY_TO = "0x1111111111111111111111111111111111111111" as Address;
export const REGISTRY = "0x2222222222222222222222222222222222222222" as Address;

/** A complete seller description: two interfaces, two skills, x402 terms. */
export function sampleBuilder(base = "https://weather.example"): AgentCardBuilder {
  return new AgentCardBuilder({ name: "Weather", description: "Forecasts by the request", version: "1.2.0" })
    .provider("Example Org", "https://example.org")
    .addInterface(`${base}/a2a`, "JSONRPC", "1.0")
    .addInterface(`${base}/a2a/v0.3`, "JSONRPC", "0.3")
    .capabilities({ streaming: false, pushNotifications: false })
    .defaultModes(["text/plain"], ["text/plain", "application/json"])
    .addSkill({
      id: "forecast",
      name: "Forecast",
      description: "Hourly forecast",
      tags: ["weather", "forecast"],
    })
    .addSkill({
      id: "alerts",
      name: "Alerts",
      description: "Severe weather alerts",
      tags: ["weather", "alerts"],
      examples: ["storms in Berlin?"],
    })
    .withX402([
      { scheme: "batch-settlement", network: "eip155:84532", asset: USDC, payTo: PAY_TO, amount: "1000" },
      {
        scheme: "exact",
        network: "eip155:84532",
        asset: USDC,
        payTo: PAY_TO,
        amount: "1500",
        extra: { name: "USDC", version: "2" },
      },
    ])
    .supportedTrust(["reputation"]);
}
