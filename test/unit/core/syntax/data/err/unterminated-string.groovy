sh 'oops
sh 'next'
