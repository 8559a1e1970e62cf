pipeline {
  agent { label 'linux' }
  environment { ROLE = 'deploy' }
  parameters { string(name: 'ACCOUNT', defaultValue: '111111111111') }
  stages {
    stage('Deploy') {
      when { branch 'main' }
      steps {
        withAWS(role: env.ROLE, roleAccount: params.ACCOUNT) {
          sh 'aws sts get-caller-identity'
        }
      }
    }
  }
  post { always { cleanWs() } }
}
