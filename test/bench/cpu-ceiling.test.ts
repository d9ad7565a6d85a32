import { expect } from "chai";
import { ACCEPT_TARGET_PER_SECOND, cpuCeiling } from "../../bench/cpu-ceiling";

describe("bench: the accept rate a CPU cost per credential allows", function () {
  it("divides the cores' microseconds by the cost, and says the target's budget", function () {
    expect(cpuCeiling(1_385, 2)).to.equal(
      "1,385 µs of CPU per credential in all, so at most 1,444 credentials/s on 2 cores with every core busy; 2,500/s needs 800 µs or less",
    );
    expect(cpuCeiling(400, 4)).to.contain("at most 10,000 credentials/s on 4 cores").and.contain("needs 1,600 µs or less");
    expect(ACCEPT_TARGET_PER_SECOND).to.equal(2_500);
  });

  it("refuses a cost or a core count that is not positive, rather than print Infinity", function () {
    for (const [us, cores] of [
      [0, 2],
      [-5, 2],
      [Number.NaN, 2],
      [100, 0],
    ]) {
      expect(() => cpuCeiling(us, cores)).to.throw(RangeError);
    }
  });
});
