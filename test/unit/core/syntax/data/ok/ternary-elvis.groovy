a ? b : c
a ?: c
x = a ? b ? 1 : 2 : c
  ? 3
  : 4
