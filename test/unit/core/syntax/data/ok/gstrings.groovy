echo "a $name b ${x + 1} c $env.BRANCH_NAME."
echo "${ [a: 1].collect { "${it.key}" }.join(',') }"
echo "${-> lazy}"
