export * from "./base64";
export * from "./json";
export * from "./headers";
export * from "./body";
export * from "./convert";
export * from "./scheme";
