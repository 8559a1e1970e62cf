@Library('ci-lib@main') _

def ROLE = 'arn:aws:iam::222222222222:role/deploy'

pipeline {
  agent { docker { image 'amazon/aws-cli:2.15.0'; args '--entrypoint=""' } }
  options { timeout(time: 30, unit: 'MINUTES'); disableConcurrentBuilds() }
  environment {
    AWS_REGION = 'eu-west-1'
    TAG = "${env.BUILD_NUMBER}-${env.GIT_COMMIT?.take(7)}"
  }
  parameters {
    choice(name: 'ENV', choices: ['staging', 'prod'], description: 'Target')
  }
  stages {
    stage('Plan') {
      when {
        anyOf { branch 'main'; expression { return params.ENV == 'staging' } }
      }
      steps {
        script {
          def cfg = readYaml file: 'deploy.yml'
          env.ACCOUNT = cfg.accounts[params.ENV] as String
        }
        withAWS(role: ROLE, roleSessionName: "jenkins-${env.BUILD_NUMBER}", duration: 3600) {
          sh 'terraform plan -out=plan.bin'
        }
      }
    }
    stage('Apply') {
      input { message 'Apply?'; ok 'Yes' }
      steps {
        withCredentials([[$class: 'AmazonWebServicesCredentialsBinding', credentialsId: 'aws-ci', roleArn: ROLE, roleSessionName: 'apply']]) {
          sh '''
            terraform apply plan.bin
          '''
        }
      }
    }
  }
  post {
    failure { echo "failed: ${currentBuild.fullDisplayName}" }
    always { archiveArtifacts artifacts: '**/*.log', allowEmptyArchive: true }
  }
}
