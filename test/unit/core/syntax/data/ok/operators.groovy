r = !a && -b < ~c
i++
--j
q = 1..<5
p = 0..n
m = s =~ /x/
z = x in xs
w = o instanceof Map
y = 1 << 2 >> 3 >>> 4
v = a <=> b
u = a >= b
t = a ==~ /y/
