sh "echo \$ and \$(date)"
sh 'echo $(date)'
