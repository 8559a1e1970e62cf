def f = this.&helper
x.@field
a += 1
c <<= 1
d >>>= 2
e **= 3
