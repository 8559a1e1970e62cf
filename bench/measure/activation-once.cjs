// One activation in a fresh process: install the `vscode` stub, require dist/extension.js, await
// activate(context). Prints {loadMs, activateMs, calls} as JSON. Run by measure/activation.mjs.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS by necessity (node -r / require hooks) */
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const { makeApi, makeContext, calls } = require('../lib/vscode-stub.cjs');

const root = path.resolve(__dirname, '..', '..');
const vscode = makeApi(path.join(root, 'examples'));
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'vscode') return 'vscode';
  return originalResolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };

(async () => {
  const t0 = performance.now();
  const extension = require(path.join(root, 'dist', 'extension.js'));
  const t1 = performance.now();
  const context = makeContext(root, path.join(os.tmpdir(), `rolecall-bench-${process.pid}`));
  await extension.activate(context);
  const t2 = performance.now();
  const registered = Object.entries(calls).filter(([k]) => !k.startsWith('commands.executeCommand'));
  process.stdout.write(
    JSON.stringify({
      loadMs: t1 - t0,
      activateMs: t2 - t1,
      subscriptions: context.subscriptions.length,
      calls: Object.fromEntries(registered),
    }) + '\n',
  );
  if (typeof extension.deactivate === 'function') await extension.deactivate();
  // Background work started by activate (e.g. a first scan) is not activation time; do not wait for it.
  process.exit(0);
})().catch((error) => {
  process.stdout.write(JSON.stringify({ error: `${error?.name ?? 'Error'}: ${error?.message ?? error}` }) + '\n');
  process.exit(0);
});
