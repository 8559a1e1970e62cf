// Jenkins shared-library step `rolecallScan`: installs the rolecall CLI with npm, scans the workspace's
// pipelines with the project's .rolecall.json, records the SARIF with the Warnings Next Generation plugin
// and fails the build when a finding is at or above the `failOn` level.
//
//   @Library('rolecall') _                      // this folder (integrations/jenkins) as the library path
//   rolecallScan(failOn: 'warning', args: ['--iam-snapshot', 'iam/111111111111.json'])
//
// Needs Node 20+ and npm on the agent (a Linux or macOS agent: the commands run with `sh`), and the
// Warnings Next Generation plugin for `recordIssues`. The options are listed in rolecallScan.txt.

def call(Map options = [:]) {
    Map o = [
        npmPackage  : 'rolecall@^0.1',   // npm package spec: a version range, a .tgz path or URL
        cli         : null,              // a rolecall command already on the agent: skips the install
        paths       : ['.'],             // what to scan, relative to the workspace
        failOn      : 'error',           // error | warning | info | never
        sarif       : 'rolecall.sarif',  // report file, relative to the workspace
        args        : [],                // more `rolecall scan` flags: --iam-snapshot, --caller, --config ...
        recordIssues: true,              // false: only write the SARIF (another step records it)
    ] + options
    if (!(o.failOn in ['error', 'warning', 'info', 'never'])) {
        error("rolecallScan: failOn must be error, warning, info or never, not '${o.failOn}'")
    }
    String cli = o.cli
    if (!cli) {
        // Outside the workspace (workspace@tmp), so the scan never walks the installed package.
        String prefix = "${pwd(tmp: true)}/rolecall-cli"
        sh(label: 'Install RoleCall', script: "npm install --no-save --no-package-lock --no-audit --no-fund --prefix ${quote(prefix)} ${quote(o.npmPackage as String)}")
        cli = "${prefix}/node_modules/.bin/rolecall"
    }
    List words = [cli, 'scan'] + asList(o.paths) + ['--format', 'sarif', '--fail-on', o.failOn] + asList(o.args)
    String command = ''
    for (def word : words) {
        command += (command ? ' ' : '') + quote(word as String)
    }
    // 0: nothing at the level, 1: findings at or above it, 2: bad usage or unreadable input.
    int status = sh(label: 'RoleCall scan', returnStatus: true, script: "${command} > ${quote(o.sarif as String)}")
    if (status != 0 && status != 1) {
        error("RoleCall could not scan (exit ${status}): its message is in the log above")
    }
    if (o.recordIssues) {
        recordIssues(tools: [sarif(pattern: o.sarif, id: 'rolecall', name: 'RoleCall')], enabledForFailure: true)
    }
    if (status == 1) {
        error("RoleCall found problems at or above '${o.failOn}': see the RoleCall issues of this build (${o.sarif})")
    }
    return status
}

private static List asList(def value) {
    return value instanceof List ? value : (value == null ? [] : [value])
}

/** One shell word: single-quoted, with embedded single quotes closed, escaped and reopened. */
private static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'"
}
