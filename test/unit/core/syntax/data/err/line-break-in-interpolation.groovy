// A line break inside the ${} of a "..." string ends the string there (Groovy 2.4: "end of line reached
// within a simple string"); the `}` on the next line is code and closes steps { } early, so the `}` meant
// for steps is an extra one: the damage stays in this stage, and stage('b') is whole.
pipeline {
    stages {
        stage('a') {
            steps {
                sh "./gradlew build -Pversion=${params.VERSI
ON} --no-daemon"
                echo 'x'
            }
        }
        stage('b') {
            steps {
                echo 'y'
            }
        }
    }
}
