pipeline {
    stages {
        stage('a') {
            steps {
                sh 'one'
                }
                withAWS(role: 'a') { sh 'two' }
            }
        }
        stage('b') {
            steps {
                withAWS(role: 'b') { sh 'three' }
            }
        }
    }
}
