/* global describe, it -- mocha globals */
// Last: nothing the run saved (page texts, browser consoles, server and extension logs) holds a secret:
// the example credential's ExternalId, the MFA code typed, or the minted keys and token.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { artifactsDir } from '../lib/server.mjs';
import { scanDir } from '../lib/secrets.mjs';

describe('artifacts', function () {
  it('hold no secret', function () {
    assert.ok(existsSync(artifactsDir) && readdirSync(artifactsDir).length > 0, 'no artifacts were saved');
    assert.deepEqual(scanDir(artifactsDir), []);
  });
});
