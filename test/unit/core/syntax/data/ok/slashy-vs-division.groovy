a = b / c / d
m = x ==~ /[a-z]+/
n = (p) / 2
