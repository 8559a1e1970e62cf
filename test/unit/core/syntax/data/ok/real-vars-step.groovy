import groovy.transform.Field

@Field static final String ROLE = 'ci-deploy'
@Field def defaults = [region: 'us-east-1', duration: 900]

def call(Map config = [:], Closure body) {
  def merged = defaults + config
  def (account, suffix) = "${merged.account}-x".split('-')
  String mvn = "${tool 'M3'}/bin/mvn"
  def workspaceTmp = "${pwd tmp: true}/cache"
  def version = "${steps.readFile file: 'VERSION'}".trim()
  def buffer = new byte[1024]
  def names = new String[0]
  def grid = new int[2][3]
  if (merged.verbose) { echo "config: ${merged}" }; withAWS(role: ROLE, roleAccount: account, duration: merged.duration) {
    sh "${mvn} -v && echo ${version}"
    body()
  }
  retry(3) {
    timeout(time: 5, unit: 'MINUTES') {
      sh script: "aws sts get-caller-identity", returnStdout: true
    }
  }
  return this
}

def setProperty(obj, Map values) {
  values.each { k, v ->
    obj.("$k".toString()) = v
    obj."${k}Set" = true
  }
}

def static helperCount = 0
def static final LIMIT = 3
