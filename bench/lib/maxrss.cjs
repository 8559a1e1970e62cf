// Preloaded with `node -r` into a measured process: writes its peak resident set size (KiB) and its own
// run time to the file named by BENCH_MAXRSS_FILE when it exits.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS by necessity (node -r / require hooks) */
const fs = require('node:fs');
const file = process.env.BENCH_MAXRSS_FILE;
const start = performance.now();
if (file) {
  process.on('exit', () => {
    try {
      fs.writeFileSync(
        file,
        JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, ms: performance.now() - start }),
      );
    } catch {
      // The measurement reports a missing file as broken; nothing useful to do here.
    }
  });
}
