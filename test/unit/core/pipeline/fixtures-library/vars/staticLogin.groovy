// A step whose usage does not depend on its caller: reported in this file only.
def call() {
    withAWS(role: 'arn:aws:iam::555555555555:role/ecr-login', duration: 1800) {
        sh 'aws ecr get-login-password --region eu-west-1'
    }
}
