sh '''never
closed
