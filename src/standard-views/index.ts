export * from "./did-web";
export * from "./status-list-bits";
export * from "./status-list-credential";
export * from "./views-store";
export * from "./publisher";
export * from "./status-list-reader";
