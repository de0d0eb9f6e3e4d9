import { unavailable } from "./unavailable";
export const channelsCommand = unavailable("channels");
