// A statement label inside `${}` (the interpolation is a closure body): the value is the expression.
def tag = 'v1'
echo "release ${tag ?: 'none'} build ${build: 42} done"
