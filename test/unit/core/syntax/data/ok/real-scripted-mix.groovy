properties([parameters([string(name: 'ACCOUNT', defaultValue: '111111111111'), booleanParam(name: 'DEPLOY', defaultValue: false)])])

def accounts = [staging: '222222222222', prod: '333333333333']
def label = params.DEPLOY ? 'deploy' : 'build'

node(label) {
  stage('Checkout') {
    checkout scm
    env.GIT_SHA = sh(script: 'git rev-parse HEAD', returnStdout: true).trim()
  }
  stage('Parallel') {
    parallel failFast: true,
      unit: { sh 'make test' },
      lint: {
        sh 'make lint'
      }
  }
  stage('Deploy') {
    if (!(env.BRANCH_NAME in ['main', 'release'])) {
      echo "skipping ${env.BRANCH_NAME ?: 'unknown'} (${params.DEPLOY ? 'deploy' : 'no deploy'})"
      return
    }
    def targets = accounts.findAll { k, v -> k != 'dev' }.collect { k, v -> [name: k, id: v] }
    for (t in targets) {
      withAWS(role: 'deploy', roleAccount: t.id) {
        sh """
          aws sts get-caller-identity
          echo \${AWS_REGION} ${t.name}
        """
      }
    }
    switch (env.BRANCH_NAME) {
      case 'main':
        echo 'main'
        break
      case ~/release-.*/:
        echo 'release'
        break
      case { it?.startsWith('hotfix') }:
        echo 'hotfix'
        break
      default:
        echo '-' * 20
    }
    try {
      sh 'make deploy'
    } catch (InterruptedException | IllegalStateException e) {
      currentBuild.result = 'ABORTED'
      throw e
    } finally {
      cleanWs()
    }
    def matcher = (env.GIT_SHA =~ /([0-9a-f]{7})/)
    def abbrev = matcher ? matcher[0][1] : 'none'
    def parts = env.GIT_SHA
      .take(12)
      .toUpperCase()
    def total = (1..10).sum() + 0xFF + 1L + 2.5d
    def flags = 1 << 2 | 4 & ~1
    def last = [1, 2, 3][-1]
    (first, second) = [1, 2]
    def f = { String a, b -> "${a}${b}" }
    echo f('x', 'y') + f.call('z', '') + abbrev + parts + "${total}${flags}${last}"
    def m = [:].withDefault { 0 }
    m["${label}"] += 1
    def spread = [*: m, extra: true]
    echo "${spread.collect { it.key }.join(',')}"
    synchronized (this) { echo 'locked' }
    while (true) { break }
    assert total > 0 : 'positive'
  }
}
