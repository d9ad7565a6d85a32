/** The public verifier page: every way to name a certificate, one report. (Built by the verifier's engineers.) */
import { byId, h, replaceChildren } from "../shared/dom";

replaceChildren(byId("app"), h("main", { id: "main" }, h("h1", {}, "CertLedger verifier")));
