// sre-pipeline-library: the static IAM user login that the Vault change was meant to replace.
def call() {
    withCredentials([[$class: 'AmazonWebServicesCredentialsBinding', credentialsId: 'jenkins-static-ecr-user',
                      accessKeyVariable: 'AWS_ACCESS_KEY_ID', secretKeyVariable: 'AWS_SECRET_ACCESS_KEY']]) {
        sh 'aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin 444444444444.dkr.ecr.us-east-1.amazonaws.com'
    }
}
