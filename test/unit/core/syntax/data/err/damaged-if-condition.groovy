node {
    stage('a') {
        if (params.D RY_RUN) {
            echo 'dry'
        } else {
            withAWS(role: 'a') { sh 'x' }
        }
    }
    stage('b') {
        withAWS(role: 'b') { sh 'y' }
    }
}
