import { unavailable } from "./unavailable";
export const payCommand = unavailable("pay");
