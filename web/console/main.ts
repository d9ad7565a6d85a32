/** The issuer console: anchor, list, change status; party admins manage authorities, keys and recognition. */
import { byId, h, replaceChildren } from "../shared/dom";

replaceChildren(byId("app"), h("main", { id: "main" }, h("h1", {}, "CertLedger issuer console")));
