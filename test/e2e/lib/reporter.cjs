/* eslint-disable @typescript-eslint/no-require-imports -- mocha loads reporters with require() */
// Mocha's spec reporter plus the plain closing line CI reads ("N passed, N failed"), and a JSON
// summary the runner merges into its own report.
const Mocha = require('mocha');
const fs = require('node:fs');

const { Spec } = Mocha.reporters;
const { EVENT_RUN_END, EVENT_TEST_FAIL, EVENT_TEST_PASS, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class E2eReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    const results = [];
    runner.on(EVENT_TEST_PASS, (t) => results.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }));
    runner.on(EVENT_TEST_FAIL, (t, err) =>
      results.push({
        title: t.fullTitle(),
        state: 'failed',
        ms: t.duration,
        error: String(err && err.message).slice(0, 2000),
      }),
    );
    runner.on(EVENT_TEST_PENDING, (t) => results.push({ title: t.fullTitle(), state: 'skipped' }));
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats;
      const file = process.env.ROLECALL_E2E_SUMMARY;
      if (file) fs.writeFileSync(file, JSON.stringify({ stats: s, results }, null, 2));
      // Printed after Spec's epilogue (registered first), as the last line of the run.
      process.nextTick(() => {
        const skipped = s.pending ? `, ${s.pending} skipped` : '';
        process.stdout.write(`\ne2e: ${s.passes} passed, ${s.failures} failed${skipped}\n`);
      });
    });
  }
}

module.exports = E2eReporter;
