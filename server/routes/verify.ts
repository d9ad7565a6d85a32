import type { RequestHandler, Response, Router } from "express";
import { CertLedgerError } from "../../src/errors";
import { parseProofBundle, signReceipt, type VerifyInput, type VerifyOptions } from "../../src/verify";
import type { Principal } from "../auth";
import type { AppDependencies } from "../dependencies";
import { defineOperation, mount, problems, type MountContext } from "../operation";
import { certHashParams, verifyForm, verifyJson, verifyQuery, verifyResponse } from "../schemas";

/** Verification: by hash, number, credential, proof bundle or file, with an optional signed receipt. */
export const verifyOperations = {
  verify: defineOperation({
    operationId: "verify",
    method: "post",
    path: "/v1/verify",
    summary: "Verify a certificate",
    description:
      "Verifies by `certHash`, by `number` and issuing `party`, by credential (`jws`) or by offline proof `bundle` (JSON), " +
      "or by the document itself (multipart/form-data, field `file`). The answer is a report with one entry per check and " +
      "a verdict — NOT_FOUND, REVOKED and the other verdicts are answers, not errors. `receipt: true` adds the report " +
      "signed by this server (a JWS a bank can keep). With a party admin's token, a payload addressed to that party is " +
      "opened with the party's key this server holds, and the payload check says whether it decrypts to the anchored document.",
    tags: ["verification"],
    auth: "optional",
    rateLimited: true,
    json: verifyJson,
    jsonSize: "verification",
    form: verifyForm,
    fileRequired: true,
    responses: { 200: { description: "the verification report", schema: verifyResponse }, ...problems(400, 413, 415, 429, 503) },
  }),
  verifyByHash: defineOperation({
    operationId: "verifyByHash",
    method: "get",
    path: "/v1/verify/{certHash}",
    summary: "Verify a certificate by its hash",
    tags: ["verification"],
    auth: "optional",
    rateLimited: true,
    params: certHashParams,
    query: verifyQuery,
    responses: { 200: { description: "the verification report", schema: verifyResponse }, ...problems(400, 429, 503) },
  }),
};

/** What the verification routes read: a verification process has these and nothing else of the node. */
export type VerifyRouteDependencies = Pick<AppDependencies, "verifier" | "useReader" | "receiptKey" | "partyDecryptionKey" | "client">;

/** Mounts the verification routes; returns the handlers of the verification by hash (see createVerificationApp). */
export function mountVerifyRoutes(
  router: Router,
  deps: VerifyRouteDependencies,
  context: MountContext,
): { verifyByHash: RequestHandler[] } {
  // A party admin's verification opens what was addressed to its party: the key never leaves this server, only the
  // payload check's outcome is reported.
  const recipientKeyOf = (res: Response) => {
    const principal = res.locals.principal as Principal | undefined;
    return principal?.role === "party-admin" ? deps.partyDecryptionKey?.(principal.party) : undefined;
  };
  const answer = async (input: VerifyInput, options: VerifyOptions, receipt: boolean | undefined) => {
    const verified = await deps.verifier.verify(input, options);
    // What importing parties recorded about it (outcomes, use of its items), read once per block.
    const report = deps.useReader ? await deps.useReader.addTo(verified.report) : verified.report;
    // The verdict and the ledger's status at the top, as every certificate answer has them; the report says the rest.
    const body = {
      certHash: report.certHash ?? undefined,
      verdict: report.verdict,
      status: report.certificate?.status,
      report,
      receipt: receipt ? await signReceipt(report, deps.receiptKey) : undefined,
    };
    return { status: 200, body };
  };

  mount(router, verifyOperations.verify, context, async ({ body, res }) => {
    const recipientKey = recipientKeyOf(res);
    if (body.kind === "form") {
      const { asOf, forParty, receipt, expectedCertHash, source } = body.value;
      const file = body.file!;
      return answer({ kind: "file", bytes: file.bytes, expectedCertHash }, { asOf, forParty, recipientKey, source }, receipt);
    }
    const { certHash, number, party, jws, bundle, asOf, forParty, receipt, source } = body.value;
    const options = { asOf, forParty, recipientKey, source };
    if (certHash !== undefined) return answer({ kind: "hash", certHash }, options, receipt);
    if (number !== undefined && party !== undefined) return answer({ kind: "number", number, party }, options, receipt);
    if (jws !== undefined) return answer({ kind: "credential", jws }, options, receipt);
    const parsed = parseProofBundle(bundle);
    const chainId = await deps.client.chainId();
    if (parsed.chainId !== chainId || parsed.ledger.toLowerCase() !== deps.client.address.toLowerCase()) {
      throw new CertLedgerError(
        "INVALID_BUNDLE",
        `the bundle is for ledger ${parsed.ledger} on chain ${parsed.chainId}; this server verifies ledger ${deps.client.address} on chain ${chainId}`,
      );
    }
    return answer({ kind: "bundle", bundle: parsed }, options, receipt);
  });

  const verifyByHash = mount(router, verifyOperations.verifyByHash, context, async ({ params, query, res }) =>
    answer(
      { kind: "hash", certHash: params.certHash },
      { asOf: query.asOf, forParty: query.forParty, recipientKey: recipientKeyOf(res), source: query.source },
      query.receipt,
    ),
  );
  return { verifyByHash };
}
