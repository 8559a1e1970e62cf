// What `rolecall --version` names. The engine (src/core) is not published on its own: the CLI and the
// extension ship it in their bundles, so its version is the package's.
import { version } from '../../package.json';

/** The package's version, which is also the engine's. */
export const VERSION: string = version;

/** The version of the command-line contract (docs/cli.md): the `version` field of JSON output. */
export const CONTRACT_VERSION = 1;

/** The text of `rolecall --version`: the first line is `rolecall X.Y.Z`, for scripts. */
export function versionText(): string {
  return (
    `rolecall ${VERSION}\n` +
    `engine ${VERSION} (src/core, the same in the VS Code extension ${VERSION})\n` +
    `contract ${CONTRACT_VERSION} (docs/cli.md: JSON output "version": ${CONTRACT_VERSION}; SARIF 2.1.0)\n`
  );
}
