pipeline {
    stages {
        stage('a') {
            steps {
                if (params.DEPLOY) {
                    sh 'deploy'
            }
        }
        stage('b') {
            steps {
                withAWS(role: 'b') { sh 'y' }
            }
        }
    }
}
