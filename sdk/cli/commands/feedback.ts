import { unavailable } from "./unavailable";
export const feedbackCommand = unavailable("feedback");
