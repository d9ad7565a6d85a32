import { expect } from "chai";
import type { Answer } from "./server-world";

/** Asserts `answer` is an RFC 9457 problem of `status` with stable `code`, and returns it. */
export function expectProblem(answer: Answer, status: number, code: string): Answer["body"] {
  expect(answer.status, answer.text).to.equal(status);
  expect(answer.contentType).to.match(/^application\/problem\+json/);
  const problem = answer.body;
  expect(problem).to.include({ status, code });
  expect(problem.type)
    .to.be.a("string")
    .and.match(/^urn:certledger:problem:[a-z-]+$/);
  expect(problem.title).to.be.a("string").and.not.equal("");
  expect(problem.detail).to.be.a("string").and.not.equal("");
  return problem;
}

/** Asserts the answer is not a server error (the rule for anything a client may send). */
export function expectNoServerError(answer: Answer): void {
  expect(answer.status, answer.text).to.be.below(500);
}
