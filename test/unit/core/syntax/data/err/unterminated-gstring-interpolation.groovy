echo "a ${b
sh 'next'
