import { unavailable } from "./unavailable";
export const agentCreate = unavailable("agent create");
export const agentShow = unavailable("agent show");
export const agentList = unavailable("agent list");
export const agentHeartbeat = unavailable("agent heartbeat");
