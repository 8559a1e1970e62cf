#!/usr/bin/env node
// Copies the screenshots the e2e run took in the real editor (test-artifacts/e2e/) into docs/media/ for
// the extension's README: run `npm run test:e2e` first (under the shared lock), then this script.
// Screenshots are never drawn by hand: a missing one is an error naming the spec that makes it.
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = path.join(root, 'test-artifacts', 'e2e');
const media = path.join(root, 'docs', 'media');

/** docs/media name → the e2e artifact it is copied from (and the spec that takes it). */
export const SHOTS = {
  'diagnostics.png': ['readme--diagnostics.png', '50-walkthrough'],
  'hover.png': ['readme--hover.png', '50-walkthrough'],
  'quick-fix.png': ['readme--quick-fix.png', '50-walkthrough'],
  'trust-explorer.png': ['readme--trust-explorer.png', '50-walkthrough'],
  'walkthrough.png': ['readme--walkthrough.png', '50-walkthrough'],
  'mint.png': ['mint--minting-credentials-mints-through-the-input-boxes-validating-the-mfa-code.png', '30-mint'],
};

mkdirSync(media, { recursive: true });
const missing = [];
for (const [name, [artifact, spec]] of Object.entries(SHOTS)) {
  const from = path.join(artifacts, artifact);
  if (!existsSync(from)) {
    // A run of some specs only (--spec) keeps the screenshots the others took earlier.
    if (existsSync(path.join(media, name)))
      process.stdout.write(`docs/media/${name} kept (test/e2e/specs/${spec}.spec.mjs did not run)\n`);
    else missing.push(`${artifact} (taken by test/e2e/specs/${spec}.spec.mjs)`);
    continue;
  }
  copyFileSync(from, path.join(media, name));
  process.stdout.write(
    `docs/media/${name} <- test-artifacts/e2e/${artifact} (${(statSync(from).size / 1024).toFixed(0)} KiB)\n`,
  );
}
if (missing.length) {
  process.stderr.write(
    `readme-media: missing, run 'flock /work/heavy.lock npm run test:e2e' first:\n  ${missing.join('\n  ')}\n`,
  );
  process.exit(1);
}
