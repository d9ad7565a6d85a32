/**
 * Property tests of the recognition rules for proofs of origin (src/origin/recognition-rules.ts), over every
 * combination fast-check draws of: the party asking, the proof's party and kind, the agreement (its parties, in force
 * or not, known or not), the party's recognition under it (proofs, validity) and the ledger's type recognition.
 *   R1 a party always recognises its own proofs;
 *   R2 a foreign declaration is recognised exactly when the agreement is in force, both parties are in it, the asking
 *      party's recognition under it names the declaration's kind, and the time is within its validity;
 *   R3 a foreign certificate of origin is recognised when the ledger's type recognition covers it (under any agreement or
 *      none), and otherwise exactly as R2 says with its kind `certificate`;
 *   R4 the ledger's type recognition never makes a declaration recognised;
 *   R5 a refusal names why: the party not in the agreement, the agreement not in force or unknown, the kind not
 *      recognised, or the period; and the answer never depends on recognition under another agreement.
 */
import { expect } from "chai";
import fc from "fast-check";
import { PROOF_KIND_NAMES, recognitionOf, type ProofKind, type RecognitionQuestion } from "../../src/origin";

const PARTIES = ["KG", "KZ", "UZ", "TJ"];
const party = fc.constantFrom(...PARTIES);
const proof = fc.constantFrom<ProofKind>(...PROOF_KIND_NAMES);
const time = fc.bigInt({ min: 1_000n, max: 2_000n });

const question: fc.Arbitrary<RecognitionQuestion> = fc
  .record({
    forParty: party,
    issuerParty: party,
    proof,
    agreement: fc.option(
      fc.record({
        code: fc.constant("KG-KZ"),
        parties: fc.uniqueArray(party, { minLength: 2, maxLength: 4 }),
        status: fc.constantFrom<"Proposed" | "InForce">("Proposed", "InForce"),
      }),
      { nil: undefined },
    ),
    unknown: fc.boolean(),
    underAgreement: fc.option(fc.record({ proofs: fc.uniqueArray(proof, { maxLength: 3 }), validFrom: time, validUntil: time }), {
      nil: undefined,
    }),
    blanket: fc.boolean(),
    elsewhere: fc.array(fc.record({ code: fc.constantFrom("CISFTA", "EAEU"), proofs: fc.uniqueArray(proof, { maxLength: 3 }) }), {
      maxLength: 2,
    }),
    at: time,
  })
  .map(({ unknown, ...q }) => ({ ...q, unknownAgreement: q.agreement === undefined && unknown ? "EAEU" : undefined }));

function expected(q: RecognitionQuestion): boolean {
  if (q.forParty === q.issuerParty) return true;
  if (q.proof === "certificate" && q.blanket) return true;
  const a = q.agreement;
  const r = q.underAgreement;
  return (
    a !== undefined &&
    a.status === "InForce" &&
    a.parties.includes(q.forParty) &&
    a.parties.includes(q.issuerParty) &&
    r !== undefined &&
    r.proofs.includes(q.proof) &&
    q.at >= r.validFrom &&
    q.at <= r.validUntil
  );
}

describe("Recognition rules for proofs of origin (property)", function () {
  it("R1–R4: the answer is recognised exactly as the rules say, for every combination", function () {
    fc.assert(
      fc.property(question, (q) => {
        expect(
          recognitionOf(q).recognised,
          JSON.stringify(q, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v)),
        ).to.equal(expected(q));
      }),
      { numRuns: 2000 },
    );
  });

  it("R4: the ledger's type recognition never makes a foreign declaration recognised", function () {
    fc.assert(
      fc.property(question, (q) => {
        if (q.proof === "certificate" || q.forParty === q.issuerParty) return;
        expect(recognitionOf({ ...q, blanket: true }).recognised).to.equal(recognitionOf({ ...q, blanket: false }).recognised);
      }),
      { numRuns: 1000 },
    );
  });

  it("R5: a refusal names its reason, and recognition under other agreements changes no answer", function () {
    fc.assert(
      fc.property(question, (q) => {
        const answer = recognitionOf(q);
        expect(recognitionOf({ ...q, elsewhere: [] }).recognised).to.equal(answer.recognised);
        if (answer.recognised) return;
        const a = q.agreement;
        if (!a) expect(answer.reason).to.match(q.unknownAgreement ? /which the registry does not know/ : /claims no agreement/);
        else if (a.status !== "InForce") expect(answer.reason).to.contain("is not in force");
        else if (!a.parties.includes(q.forParty)) expect(answer.reason).to.contain(`${q.forParty} is not a party to KG-KZ`);
        else if (!a.parties.includes(q.issuerParty)) expect(answer.reason).to.contain(`${q.issuerParty} is not a party to KG-KZ`);
        else if (!q.underAgreement?.proofs.includes(q.proof)) expect(answer.reason).to.contain(`${q.forParty} does not recognise`);
        else expect(answer.reason).to.contain("only from");
      }),
      { numRuns: 1000 },
    );
  });

  it("names what the party does recognise from the issuer under other agreements", function () {
    const answer = recognitionOf({
      forParty: "UZ",
      issuerParty: "KG",
      proof: "exporterDeclaration",
      agreement: { code: "KG-KZ", parties: ["KG", "KZ"], status: "InForce" },
      blanket: false,
      elsewhere: [{ code: "CISFTA", proofs: ["certificate"] }],
      at: 1_500n,
    });
    expect(answer).to.deep.equal({
      recognised: false,
      reason: "UZ is not a party to KG-KZ (KG, KZ). From KG, UZ recognises certificates of origin issued by an authority under CISFTA.",
    });
  });
});
