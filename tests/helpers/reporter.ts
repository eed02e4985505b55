import Mocha = require("mocha");

/** The spec reporter, plus one plain closing line that any CI can read: "mocha: N passed, N failed, N skipped". */
class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once("end", () => {
      const stats = runner.stats;
      if (stats) console.log(`mocha: ${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped`);
    });
  }
}

export = SummaryReporter;
