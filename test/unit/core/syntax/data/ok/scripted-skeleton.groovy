node('linux') {
  stage('Build') {
    checkout scm
    def out = sh(script: 'make', returnStdout: true).trim()
  }
  withCredentials([[$class: 'AmazonWebServicesCredentialsBinding', credentialsId: 'aws', roleArn: 'arn:aws:iam::111111111111:role/x']]) {
    sh 'aws s3 ls'
  }
}
